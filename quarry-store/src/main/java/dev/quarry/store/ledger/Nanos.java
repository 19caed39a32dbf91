package dev.quarry.store.ledger;

import dev.quarry.core.error.InvalidInputException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as a whole number of nanos (1e-9) of the operator's currency, as the ledger and budgets
 * store it: exact sums, and room for 9.2 billion units. A call's cost is rounded up to the next nano.
 */
public final class Nanos {

  private Nanos() {}

  /** {@code amount} in nanos, rounded up; {@link InvalidInputException} when negative or too large. */
  public static long of(BigDecimal amount) {
    if (amount.signum() < 0) {
      throw new InvalidInputException("an amount of money must be >= 0, got: " + amount.toPlainString());
    }
    try {
      return amount.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidInputException("an amount of money must be below 9.2e9, got: " + amount.toPlainString());
    }
  }

  /** {@code nanos} as a decimal amount, without trailing zeros. */
  public static BigDecimal decimal(long nanos) {
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
  }
}

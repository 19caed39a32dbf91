package dev.quarry.llm.config;

import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.error.InvalidInputException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * What a model costs per million input and output tokens ({@code price_per_mtok}), in the operator's
 * currency. Decimal, so that a ledger of many small calls adds up exactly.
 */
public record Price(BigDecimal input, BigDecimal output) {

  public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  public Price {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    if (input.signum() < 0) {
      throw new InvalidInputException("input: must be at least 0, got " + input.toPlainString());
    }
    if (output.signum() < 0) {
      throw new InvalidInputException("output: must be at least 0, got " + output.toPlainString());
    }
    input = input.stripTrailingZeros();
    output = output.stripTrailingZeros();
  }

  /**
   * The cost of {@code usage}: every input token (cached ones included, as no cached price is
   * configured) at the input price, every output token at the output price.
   */
  public BigDecimal cost(TokenUsage usage) {
    BigDecimal in = input.multiply(BigDecimal.valueOf(usage.inputTokens()));
    BigDecimal out = output.multiply(BigDecimal.valueOf(usage.outputTokens()));
    return in.add(out).divide(MILLION, MathContext.DECIMAL64).stripTrailingZeros();
  }
}

package dev.quarry.store.ledger;

import java.util.Objects;

/**
 * An amount to reserve in one budget window ({@code day:yyyy-mm-dd} or {@code month:yyyy-mm}, UTC),
 * with the window's limits ({@link Long#MAX_VALUE} for none).
 */
public record WindowCharge(String period, long tokens, long costNanos, long tokenLimit, long costLimitNanos) {
  public WindowCharge {
    Objects.requireNonNull(period, "period");
    if (tokens < 0 || costNanos < 0) {
      throw new IllegalArgumentException("a reservation must be >= 0, got " + tokens + " tokens, " + costNanos + " nanos");
    }
  }

  /** Whether the charge alone already exceeds a limit. */
  public boolean aloneExceeds() {
    return tokens > tokenLimit || costNanos > costLimitNanos;
  }
}

package dev.quarry.runtime.metering;

import java.time.Duration;
import java.util.Objects;

/**
 * How calls are metered: the output tokens reserved for a call that names no {@code max_tokens}
 * when its tenant has a windowed budget (the call is then capped at it, so the reservation is its
 * worst case), how long a tenant's budget is cached in memory (a change made on another instance
 * sharing the database is seen after at most this long; on this instance at once), and how often
 * settled calls are written to the ledger.
 */
public record MeteringSettings(int defaultMaxTokens, Duration budgetCache, Duration flushInterval) {

  public static final MeteringSettings DEFAULT = new MeteringSettings(1024, Duration.ofSeconds(1),
      LedgerWriter.INTERVAL);

  public MeteringSettings {
    Objects.requireNonNull(budgetCache, "budgetCache");
    Objects.requireNonNull(flushInterval, "flushInterval");
    if (defaultMaxTokens < 1) {
      throw new IllegalArgumentException("default_max_tokens must be at least 1, got: " + defaultMaxTokens);
    }
    if (budgetCache.isNegative()) {
      throw new IllegalArgumentException("budget cache must be >= 0, got: " + budgetCache);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flush interval must be positive, got: " + flushInterval);
    }
  }
}

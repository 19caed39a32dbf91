package dev.quarry.store.document;

import dev.quarry.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Exponential backoff with a cap, for transient ingestion failures. After attempt {@code n} failed
 * (n counted from 1), the next attempt waits {@code min(maxDelay, initialDelay * multiplier^(n-1))};
 * once {@code maxAttempts} attempts have failed there is no next attempt and the document is failed.
 * No jitter: delays are a pure function of the attempt count, which keeps tests and replays
 * deterministic; workers claim in batches, which already spreads retries.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {

  /** 5 attempts, 1 s doubling up to 5 minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0);

  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new InvalidInputException("retry maxAttempts must be at least 1, got: " + maxAttempts);
    }
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new InvalidInputException("retry initialDelay must be positive, got: " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new InvalidInputException(
          "retry maxDelay must be >= initialDelay (" + initialDelay + "), got: " + maxDelay);
    }
    if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
      throw new InvalidInputException("retry multiplier must be in [1, 100], got: " + multiplier);
    }
  }

  /**
   * How long to wait after {@code failedAttempts} attempts have failed, or empty when no attempt is
   * left.
   */
  public Optional<Duration> delayAfter(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1, got: " + failedAttempts);
    }
    if (failedAttempts >= maxAttempts) {
      return Optional.empty();
    }
    double millis = initialDelay.toMillis() * Math.pow(multiplier, failedAttempts - 1);
    long capped = millis >= maxDelay.toMillis() ? maxDelay.toMillis() : (long) millis;
    return Optional.of(Duration.ofMillis(capped));
  }
}

package dev.quarry.llm.config;

import dev.quarry.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How model calls are retried and when a model is taken out of service ({@code llm.resilience}).
 *
 * @param callTimeout the longest one attempt may take (the request's deadline also bounds it)
 * @param maxAttempts attempts per model and request, the first included (1: no retry)
 * @param initialBackoff the wait before the first retry; doubled for each further one, then jittered
 * @param maxBackoff the longest backoff
 * @param maxRetryWait the longest wait a {@code Retry-After} may ask for; a longer one moves on to the
 *     route's next model at once
 * @param breakerWindow the calls of a model's sliding window
 * @param breakerMinimumCalls calls the window must hold before its failure rate counts
 * @param failureRate percent of failed calls in the window that opens the breaker
 * @param openFor how long an open breaker refuses calls before letting probes through (half-open)
 * @param halfOpenCalls probes let through half-open; their failure rate closes or reopens the breaker
 */
public record ResilienceConfig(Duration callTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
    Duration maxRetryWait, int breakerWindow, int breakerMinimumCalls, int failureRate, Duration openFor,
    int halfOpenCalls) {

  public static final ResilienceConfig DEFAULT = new ResilienceConfig(Duration.ofSeconds(60), 3, Duration.ofMillis(200),
      Duration.ofSeconds(5), Duration.ofSeconds(10), 50, 10, 50, Duration.ofSeconds(30), 3);

  public ResilienceConfig {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRetryWait, "maxRetryWait");
    Objects.requireNonNull(openFor, "openFor");
    positive("call_timeout", callTimeout);
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new InvalidInputException("max_attempts: must be in 1..10, got " + maxAttempts);
    }
    positive("initial_backoff", initialBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidInputException("max_backoff: must be at least initial_backoff (" + initialBackoff.toMillis()
          + "ms), got " + maxBackoff.toMillis() + "ms");
    }
    if (maxRetryWait.isNegative()) {
      throw new InvalidInputException("max_retry_wait: must not be negative, got " + maxRetryWait.toMillis() + "ms");
    }
    if (breakerWindow < 1 || breakerWindow > 10_000) {
      throw new InvalidInputException("breaker_window: must be in 1..10000 calls, got " + breakerWindow);
    }
    if (breakerMinimumCalls < 1 || breakerMinimumCalls > breakerWindow) {
      throw new InvalidInputException("breaker_minimum_calls: must be in 1..breaker_window (" + breakerWindow
          + "), got " + breakerMinimumCalls);
    }
    if (failureRate < 1 || failureRate > 100) {
      throw new InvalidInputException("failure_rate: must be in 1..100 percent, got " + failureRate);
    }
    positive("open_for", openFor);
    if (halfOpenCalls < 1 || halfOpenCalls > 1000) {
      throw new InvalidInputException("half_open_calls: must be in 1..1000, got " + halfOpenCalls);
    }
  }

  private static void positive(String key, Duration d) {
    if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
      throw new InvalidInputException(key + ": must be in 1ms..1h, got " + d.toMillis() + "ms");
    }
  }
}

package dev.quarry.llm.route;

import java.util.Objects;

/**
 * A model's circuit breaker as it stands: {@code state} is {@code closed}, {@code open} or
 * {@code half_open}; {@code failureRate} is the percent of failed calls in the sliding window, or -1
 * while the window holds fewer calls than it needs to judge; {@code notPermitted} counts the calls
 * refused since the breaker last closed.
 */
public record BreakerStatus(String model, String provider, String state, float failureRate, int bufferedCalls,
    int failedCalls, long notPermitted) {
  public BreakerStatus {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(state, "state");
  }
}

package dev.quarry.llm.route;

import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.error.ErrorCode;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.config.ResilienceConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per provider model (Resilience4j's): closed; open once the failure rate over a
 * count-based sliding window reaches {@code failure_rate}; after {@code open_for}, half-open, letting
 * {@code half_open_calls} probes through, whose failure rate closes or reopens it. Only failures that
 * say the upstream is unwell count ({@code upstream_unavailable}: connection errors, timeouts, 429,
 * 5xx, streams cut); a refused request ({@code upstream_rejected}) or a caller's error is ignored.
 */
public final class ModelHealth {

  private final ResilienceConfig config;
  private final CircuitBreakerRegistry registry;
  private final Map<String, ChatModelInfo> models = new ConcurrentHashMap<>();

  public ModelHealth(ResilienceConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
        .slidingWindow(config.breakerWindow(), config.breakerMinimumCalls(),
            CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(config.failureRate())
        .waitDurationInOpenState(config.openFor())
        .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
        .recordException(ModelHealth::unwell)
        .writableStackTraceEnabled(false)
        .clock(clock)
        .build();
    this.registry = CircuitBreakerRegistry.of(breaker);
  }

  public ResilienceConfig config() {
    return config;
  }

  /** Whether {@code e} says the upstream is unwell (and counts against its breaker). */
  static boolean unwell(Throwable e) {
    return e instanceof ModelException m && m.code() == ErrorCode.UPSTREAM_UNAVAILABLE;
  }

  /** The breaker of {@code model}, made on first use. */
  CircuitBreaker breaker(ChatModelInfo model) {
    models.putIfAbsent(model.name(), model);
    return registry.circuitBreaker(model.name());
  }

  /** Every model's breaker that has been made, in name order. */
  public List<BreakerStatus> status() {
    List<BreakerStatus> out = new ArrayList<>();
    models.values().stream().sorted(java.util.Comparator.comparing(ChatModelInfo::name)).forEach(m -> {
      CircuitBreaker b = registry.circuitBreaker(m.name());
      CircuitBreaker.Metrics x = b.getMetrics();
      out.add(new BreakerStatus(m.name(), m.provider(), state(b.getState()), x.getFailureRate(),
          x.getNumberOfBufferedCalls(), x.getNumberOfFailedCalls(), x.getNumberOfNotPermittedCalls()));
    });
    return out;
  }

  private static String state(CircuitBreaker.State s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}

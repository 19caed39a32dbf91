package dev.quarry.llm.route;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.error.ErrorCode;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.config.ResilienceConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * One provider model behind its circuit breaker, with retries (Resilience4j's {@link Retry}). Each
 * attempt is bounded by {@code call_timeout} and the request's deadline. An attempt is retried only
 * when its failure is {@code upstream_unavailable} (connection errors, timeouts, 429, 500, 502, 503,
 * 504), nothing had been streamed to the caller, attempts remain, and the wait fits before the
 * deadline: the wait is the larger of the jittered exponential backoff and the upstream's
 * {@code Retry-After}, which may not exceed {@code max_retry_wait}. An open breaker refuses the call
 * at once ({@code upstream_unavailable}, no network), so the router moves on.
 */
public final class ResilientModel implements ChatModel {

  private final ChatModel model;
  private final CircuitBreaker breaker;
  private final Retry retry;
  private final ResilienceConfig config;
  private final RandomGenerator random;
  private final Clock clock;

  public ResilientModel(ChatModel model, ModelHealth health, RandomGenerator random, Clock clock) {
    this.model = Objects.requireNonNull(model, "model");
    this.config = health.config();
    this.breaker = health.breaker(model.info());
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retry = Retry.of(model.info().name(), RetryConfig.<ChatResponse>custom()
        .maxAttempts(config.maxAttempts())
        .retryOnException(e -> e instanceof AttemptFailed f && f.again)
        .intervalBiFunction((attempt, outcome) -> outcome.isLeft() && outcome.getLeft() instanceof AttemptFailed f
            ? f.waitMillis : 0L)
        .failAfterMaxAttempts(false)
        .build());
  }

  @Override
  public ChatModelInfo info() {
    return model.info();
  }

  /** The breaker's state: whether a call would be let through now (an open breaker past {@code open_for} will). */
  boolean open() {
    return breaker.getState() == CircuitBreaker.State.OPEN || breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
  }

  @Override
  public ChatResponse generate(ChatRequest request, ChatStream stream) {
    AtomicInteger attempts = new AtomicInteger();
    try {
      return retry.executeSupplier(() -> attempt(request, stream, attempts.incrementAndGet()));
    } catch (AttemptFailed f) {
      throw f.failure;
    }
  }

  private ChatResponse attempt(ChatRequest request, ChatStream stream, int attempt) {
    Instant now = clock.instant();
    if (!now.isBefore(request.deadline())) {
      throw new AttemptFailed(ModelException.unavailable(info().name(), "model " + info().name()
          + ": the request's deadline passed before attempt " + attempt, OptionalInt.empty(), Optional.empty(), null),
          false, 0);
    }
    if (!breaker.tryAcquirePermission()) {
      throw new AttemptFailed(ModelException.unavailable(info().name(), "model " + info().name()
          + ": its circuit breaker is open (too many recent failures); not called", OptionalInt.empty(),
          Optional.empty(), null), false, 0);
    }
    Instant own = now.plus(config.callTimeout());
    ChatRequest bounded = own.isBefore(request.deadline()) ? withDeadline(request, own) : request;
    long start = breaker.getCurrentTimestamp();
    try {
      ChatResponse response = model.generate(bounded, stream);
      breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
      return response;
    } catch (ModelException e) {
      breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
      throw decide(e, attempt, request.deadline());
    } catch (RuntimeException e) {
      breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
      throw e;
    }
  }

  /** Whether and after how long {@code e} is retried. */
  private AttemptFailed decide(ModelException e, int attempt, Instant deadline) {
    if (e.code() != ErrorCode.UPSTREAM_UNAVAILABLE || e.isAfterFirstToken() || attempt >= config.maxAttempts()
        || Thread.currentThread().isInterrupted()) {
      return new AttemptFailed(e, false, 0);
    }
    long base = Math.min(config.maxBackoff().toMillis(), config.initialBackoff().toMillis() << Math.min(20, attempt - 1));
    long backoff = base / 2 + random.nextLong(base / 2 + 1);
    long asked = e.retryAfter().map(Duration::toMillis).orElse(0L);
    if (asked > config.maxRetryWait().toMillis()) {
      return new AttemptFailed(e, false, 0);
    }
    long wait = Math.max(backoff, asked);
    if (!clock.instant().plusMillis(wait).isBefore(deadline)) {
      return new AttemptFailed(e, false, 0);
    }
    return new AttemptFailed(e, true, wait);
  }

  private static ChatRequest withDeadline(ChatRequest r, Instant deadline) {
    return r.withDeadline(deadline);
  }

  /** How an attempt's failure travels through {@link Retry}: the failure, whether to retry, after how long. */
  static final class AttemptFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ModelException failure;
    final boolean again;
    final long waitMillis;

    AttemptFailed(ModelException failure, boolean again, long waitMillis) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
      this.again = again;
      this.waitMillis = waitMillis;
    }
  }
}

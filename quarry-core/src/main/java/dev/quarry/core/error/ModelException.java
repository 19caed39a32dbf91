package dev.quarry.core.error;

import dev.quarry.core.chat.TokenUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A model provider failed. {@link ErrorCode#UPSTREAM_UNAVAILABLE} (connection errors, timeouts,
 * 429, 500, 502, 503, 504) may succeed when retried, after {@code retryAfter} when the upstream said;
 * {@link ErrorCode#UPSTREAM_REJECTED} (a refused request, a malformed answer) will not.
 * {@code afterFirstToken} says whether text had already been streamed to the caller when it failed:
 * such a call must not be retried silently, and {@code partialUsage} is what it had consumed by then
 * (counted by Quarry when the provider reported none).
 */
public final class ModelException extends QuarryException {
  private final ErrorCode code;
  private final String model;
  private final OptionalInt upstreamStatus;
  private final Optional<Duration> retryAfter;
  private final boolean afterFirstToken;
  private final TokenUsage partialUsage;

  public ModelException(ErrorCode code, String model, String message, OptionalInt upstreamStatus,
      Optional<Duration> retryAfter, boolean afterFirstToken, Throwable cause) {
    this(code, model, message, upstreamStatus, retryAfter, afterFirstToken, TokenUsage.NONE, cause);
  }

  private ModelException(ErrorCode code, String model, String message, OptionalInt upstreamStatus,
      Optional<Duration> retryAfter, boolean afterFirstToken, TokenUsage partialUsage, Throwable cause) {
    super(message, cause);
    if (code != ErrorCode.UPSTREAM_UNAVAILABLE && code != ErrorCode.UPSTREAM_REJECTED) {
      throw new IllegalArgumentException("a model failure is upstream_unavailable or upstream_rejected, got: " + code);
    }
    this.code = code;
    this.model = Objects.requireNonNull(model, "model");
    this.upstreamStatus = Objects.requireNonNull(upstreamStatus, "upstreamStatus");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    this.afterFirstToken = afterFirstToken;
    this.partialUsage = Objects.requireNonNull(partialUsage, "partialUsage");
  }

  /** Retryable failure: a connection error, timeout, 429 or 5xx. */
  public static ModelException unavailable(String model, String message, OptionalInt status, Optional<Duration> retryAfter,
      Throwable cause) {
    return new ModelException(ErrorCode.UPSTREAM_UNAVAILABLE, model, message, status, retryAfter, false, cause);
  }

  /** Permanent failure: the upstream refused the request or answered something unreadable. */
  public static ModelException rejected(String model, String message, OptionalInt status, Throwable cause) {
    return new ModelException(ErrorCode.UPSTREAM_REJECTED, model, message, status, Optional.empty(), false, cause);
  }

  /** The same failure, marked as having happened after text was streamed. */
  public ModelException afterFirstToken() {
    return afterFirstToken(partialUsage);
  }

  /** The same failure, marked as having happened after text was streamed, having consumed {@code usage}. */
  public ModelException afterFirstToken(TokenUsage usage) {
    return new ModelException(code, model, getMessage(), upstreamStatus, retryAfter, true, usage, getCause());
  }

  @Override
  public ErrorCode code() {
    return code;
  }

  /** Quarry's name of the model that failed. */
  public String model() {
    return model;
  }

  public OptionalInt upstreamStatus() {
    return upstreamStatus;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }

  public boolean isAfterFirstToken() {
    return afterFirstToken;
  }

  /** Tokens consumed before the failure; {@link TokenUsage#NONE} unless {@link #isAfterFirstToken()}. */
  public TokenUsage partialUsage() {
    return partialUsage;
  }
}

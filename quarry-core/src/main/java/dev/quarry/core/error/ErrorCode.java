package dev.quarry.core.error;

/** Stable, machine-readable failure codes. Names are part of the public contract. */
public enum ErrorCode {
  /** The caller sent something malformed or out of range; retrying the same input fails again. */
  INVALID_INPUT(false),
  /** The named collection, document or resource does not exist. */
  NOT_FOUND(false),
  /** The request contradicts existing state, e.g. an index built with another embedder. */
  CONFLICT(false),
  /** Disk or index I/O failed; the operation may succeed when retried. */
  STORAGE(true),
  /** A model provider could not answer now (connection, timeout, 429, 5xx); retrying may succeed. */
  UPSTREAM_UNAVAILABLE(true),
  /** A model provider refused the request or answered something unreadable; retrying will not help. */
  UPSTREAM_REJECTED(false),
  /**
   * A model answered, but not what the request's response format demands (JSON that breaks the
   * schema), even after a repair attempt; the errors say what is wrong. Retrying may help (models
   * are not deterministic) but is not assumed to.
   */
  INVALID_MODEL_OUTPUT(false),
  /**
   * The tenant's budget does not allow the call (tokens or money for the day or month, tokens per
   * request, a model or tool it may not use); a windowed budget allows it again once it resets.
   */
  BUDGET_EXCEEDED(true);

  private final boolean retryable;

  ErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The code as it appears on the wire: lower snake case. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

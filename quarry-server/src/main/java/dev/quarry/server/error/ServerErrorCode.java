package dev.quarry.server.error;

import java.util.Locale;

/**
 * Failures that only exist at the HTTP edge, beside core's {@code ErrorCode}. Each carries its
 * status; {@link Problem#of} maps both taxonomies in one place.
 */
public enum ServerErrorCode {
  /** No key, or a key that is wrong, revoked or expired (the caller cannot tell which). */
  UNAUTHENTICATED(401),
  /** The key is valid but lacks the route's scope. */
  FORBIDDEN(403),
  /** The route exists but not with this method. */
  METHOD_NOT_ALLOWED(405),
  /** An {@code If-Match} / {@code If-None-Match} precondition does not hold. */
  PRECONDITION_FAILED(412),
  /** The body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE(413),
  /** The request line is longer than the server reads. */
  URI_TOO_LONG(414),
  /** The request's headers are larger than the server reads. */
  HEADERS_TOO_LARGE(431),
  /** The request names an HTTP version other than 1.0 and 1.1. */
  HTTP_VERSION_NOT_SUPPORTED(505),
  /** The body is not {@code application/json}. */
  UNSUPPORTED_MEDIA_TYPE(415),
  /** An {@code Idempotency-Key} reused for a different request (method, path, query or body). */
  IDEMPOTENCY_CONFLICT(422),
  /** The request with this {@code Idempotency-Key} is still running; retry after it finishes. */
  IDEMPOTENCY_IN_PROGRESS(409, true),
  /**
   * The server is shutting down and ended a request that was waiting (for an ingestion job, say);
   * what the request stored is kept. Retry, against this server once it is back or another one.
   */
  SHUTTING_DOWN(503, true),
  /** A bug: the request failed in a way the taxonomy does not name. */
  INTERNAL(500),
  /** The route is part of the API but this build does not serve it yet. */
  NOT_IMPLEMENTED(501);

  private final int status;
  private final boolean retryable;

  ServerErrorCode(int status) {
    this(status, false);
  }

  ServerErrorCode(int status, boolean retryable) {
    this.status = status;
    this.retryable = retryable;
  }

  /** Whether the same request, sent again later, may succeed. */
  public boolean retryable() {
    return retryable;
  }

  public int status() {
    return status;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.quarry.store.idempotency;

import dev.quarry.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How long idempotency records live. {@code retention}: how long a completed response is replayed
 * (after that the key can be used afresh). {@code lease}: how long a request in progress holds its
 * key; a process that dies mid-request lets the lease lapse, and a retry after that runs anew
 * instead of answering "in progress" until the record expires.
 */
public record IdempotencyPolicy(Duration retention, Duration lease) {

  /** Replays for 24 hours; a request in progress holds its key for 5 minutes. */
  public static final IdempotencyPolicy DEFAULT =
      new IdempotencyPolicy(Duration.ofHours(24), Duration.ofMinutes(5));

  public IdempotencyPolicy {
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(lease, "lease");
    if (lease.isNegative() || lease.isZero()) {
      throw new InvalidInputException("idempotency lease must be positive, got: " + lease);
    }
    if (retention.compareTo(lease) < 0) {
      throw new InvalidInputException(
          "idempotency retention must be at least the lease (" + lease + "), got: " + retention);
    }
  }
}

package dev.quarry.store.document;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A document's durable ingestion state.
 *
 * <p>{@code version} is what a client sees (ETag, {@code If-Match}): it starts at 1 and grows by one
 * only when a client changes the document (new content, title or metadata, another expiry).
 * Ingestion does not move it, so a version read right after a write still matches once the
 * document is indexed. {@code revision} starts at 1 and grows by one with every change a writer
 * must not lose: a submission that needs processing, a stage transition, a failure, a claim by a
 * worker, a retry. Workers pass the revision they read; the store refuses the change when it moved
 * on (optimistic concurrency among writers).
 * {@code nextAttemptAt} is when a worker may next claim the document: empty for terminal states,
 * the end of a worker's lease while it is claimed, a backoff time after a transient failure.
 */
public record DocumentRecord(
    DocumentKey key,
    long version,
    long revision,
    String contentHash,
    DocumentState state,
    Optional<String> failureReason,
    int attempts,
    Optional<Instant> nextAttemptAt,
    Optional<Instant> expiresAt,
    Optional<String> jobId,
    Instant createdAt,
    Instant updatedAt) {

  public DocumentRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(contentHash, "contentHash");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(failureReason, "failureReason");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (version < 1) {
      throw new IllegalArgumentException("document version must be at least 1, got: " + version);
    }
    if (revision < 1) {
      throw new IllegalArgumentException("document revision must be at least 1, got: " + revision);
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, got: " + attempts);
    }
  }
}

package dev.quarry.store.job;

import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.StateCounts;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch of documents submitted together, as of the moment it was read.
 *
 * <p>Counts are live: they are computed from the states of the documents that belong to the job,
 * not kept as counters that could drift. A document belongs to the job that last submitted it, so
 * a document resubmitted by a later job leaves this one: {@link #superseded()} counts those.
 * {@code failures} lists at most {@link JobStore#MAX_FAILURES_LISTED} failed documents (by id); all
 * of them are in {@code counts}.
 *
 * <p>A job outlives its collection: when the collection is deleted, its documents go with it and
 * the job keeps {@code collectionDeletedAt} and its counts as they were at that moment (no
 * failures: their documents are gone).
 */
public record IngestionJob(
    String id,
    CollectionKey collection,
    Instant createdAt,
    Optional<Instant> finishedAt,
    long submitted,
    StateCounts counts,
    List<JobFailure> failures,
    Optional<Instant> collectionDeletedAt) {

  public IngestionJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(collectionDeletedAt, "collectionDeletedAt");
    failures = List.copyOf(failures);
    if (submitted < 0) {
      throw new IllegalArgumentException("submitted must be >= 0, got: " + submitted);
    }
  }

  /** Submissions whose document has since been resubmitted by another job, or deleted. */
  public long superseded() {
    return Math.max(0, submitted - counts.total());
  }

  /** No document of the job is still in progress (or its collection, and so they, were deleted). */
  public boolean done() {
    return counts.pending() == 0 || collectionDeletedAt.isPresent();
  }
}

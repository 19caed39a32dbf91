package dev.quarry.store.job;

import java.time.Instant;
import java.util.Objects;

/** A document of a job that failed: its id, why, after how many attempts, and when. */
public record JobFailure(String documentId, String reason, int attempts, Instant failedAt) {
  public JobFailure {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(failedAt, "failedAt");
  }
}

package dev.quarry.server.ingest;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.document.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the server ingests: documents per worker batch, how long a claim lasts before another worker
 * may take the document over (a crashed worker's documents are picked up after it), the retry
 * policy for transient failures, and how often an idle worker looks for due work, expired documents
 * and unfinished erasures. A submission wakes the worker at once, so the poll interval only bounds
 * retries, expiry and erasure progress.
 */
public record IngestionSettings(int batchDocuments, Duration lease, RetryPolicy retry, Duration pollInterval) {

  /** 32 documents per batch, 60 s leases, {@link RetryPolicy#DEFAULT}, a 1 s poll. */
  public static final IngestionSettings DEFAULT =
      new IngestionSettings(32, Duration.ofSeconds(60), RetryPolicy.DEFAULT, Duration.ofSeconds(1));

  public IngestionSettings {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (batchDocuments < 1 || batchDocuments > 1000) {
      throw new InvalidInputException("ingest batch_documents must be in 1..1000, got: " + batchDocuments);
    }
    if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidInputException("ingest lease must be at least 1s, got: " + lease);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new InvalidInputException("ingest poll interval must be positive, got: " + pollInterval);
    }
  }
}

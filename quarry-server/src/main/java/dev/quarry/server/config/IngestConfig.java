package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.document.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Background ingestion (section {@code ingest}): how many workers claim documents, how many each
 * claims at once, how long a claim (lease) lasts before another worker may take it over, how
 * transient failures are retried, {@code refreshInterval}, the bound within which a write that
 * was not waited for becomes visible to search, {@code waitTimeout}, how long a batch request
 * with {@code ?refresh=wait_for} waits for its job unless it asks for another timeout (at most
 * {@link #MAX_WAIT_TIMEOUT}), and {@code jobRetention}, how long a finished job stays readable
 * ({@code GET /v1/jobs/{id}}), also after its collection was deleted.
 */
public record IngestConfig(
    int workers, int batchDocuments, Duration lease, RetryPolicy retry, Duration refreshInterval,
    Duration waitTimeout, Duration jobRetention) {

  /** The longest a request may wait for its job, whatever it or the configuration asks. */
  public static final Duration MAX_WAIT_TIMEOUT = Duration.ofMinutes(10);

  /**
   * 1 worker, batches of 32, 5 minute leases, {@link RetryPolicy#DEFAULT}, visible within 1 s,
   * waiting for a job up to 60 s, finished jobs kept 7 days.
   */
  public static final IngestConfig DEFAULT = new IngestConfig(1, 32, Duration.ofMinutes(5), RetryPolicy.DEFAULT,
      Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofDays(7));

  public IngestConfig {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(waitTimeout, "waitTimeout");
    Objects.requireNonNull(jobRetention, "jobRetention");
    if (workers < 1) {
      throw new InvalidInputException("ingest workers must be at least 1, got: " + workers);
    }
    if (batchDocuments < 1) {
      throw new InvalidInputException("ingest batchDocuments must be at least 1, got: " + batchDocuments);
    }
    if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidInputException("ingest lease must be at least 1s, got: " + lease);
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new InvalidInputException("ingest refreshInterval must be positive, got: " + refreshInterval);
    }
    if (waitTimeout.isNegative() || waitTimeout.compareTo(MAX_WAIT_TIMEOUT) > 0) {
      throw new InvalidInputException("ingest waitTimeout must be in 0.." + MAX_WAIT_TIMEOUT + ", got: " + waitTimeout);
    }
    if (jobRetention.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidInputException("ingest jobRetention must be at least 1s, got: " + jobRetention);
    }
  }

  /** This configuration with {@code newWaitTimeout} as the default wait for a job. */
  public IngestConfig withWaitTimeout(Duration newWaitTimeout) {
    return new IngestConfig(workers, batchDocuments, lease, retry, refreshInterval, newWaitTimeout, jobRetention);
  }

  /** This configuration with batches of {@code newBatchDocuments}. */
  public IngestConfig withBatchDocuments(int newBatchDocuments) {
    return new IngestConfig(workers, newBatchDocuments, lease, retry, refreshInterval, waitTimeout, jobRetention);
  }

  /** This configuration keeping finished jobs for {@code retention}. */
  public IngestConfig withJobRetention(Duration retention) {
    return new IngestConfig(workers, batchDocuments, lease, retry, refreshInterval, waitTimeout, retention);
  }

  /** Binds section {@code ingest} (and its {@code retry}). */
  public static IngestConfig from(ConfigSection s) {
    IngestConfig d = DEFAULT;
    int workers = s.integer("workers", 1, 256).orElse(d.workers());
    int batch = s.integer("batch_documents", 1, 10_000).orElse(d.batchDocuments());
    Duration lease = s.duration("lease", Duration.ofSeconds(1), Duration.ofHours(24)).orElse(d.lease());
    RetryPolicy retry = retry(s.section("retry"), d.retry());
    Duration refresh = s.duration("refresh_interval", Duration.ofMillis(1), Duration.ofHours(1))
        .orElse(d.refreshInterval());
    Duration wait = s.duration("wait_timeout", Duration.ZERO, MAX_WAIT_TIMEOUT).orElse(d.waitTimeout());
    Duration jobRetention = s.duration("job_retention", Duration.ofSeconds(1), Duration.ofDays(3650))
        .orElse(d.jobRetention());
    s.done();
    return new IngestConfig(workers, batch, lease, retry, refresh, wait, jobRetention);
  }

  private static RetryPolicy retry(ConfigSection s, RetryPolicy d) {
    int attempts = s.integer("max_attempts", 1, 100).orElse(d.maxAttempts());
    Duration initial = s.duration("initial_delay", Duration.ofMillis(1), Duration.ofHours(24)).orElse(d.initialDelay());
    Duration max = s.duration("max_delay", Duration.ofMillis(1), Duration.ofHours(24)).orElse(d.maxDelay());
    double multiplier = s.decimal("multiplier", 1.0, 100.0).orElse(d.multiplier());
    s.done();
    if (max.compareTo(initial) < 0) {
      throw s.invalid("max_delay", "must be at least initial_delay (" + ConfigSection.format(initial)
          + "), got " + ConfigSection.format(max));
    }
    try {
      return new RetryPolicy(attempts, initial, max, multiplier);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(s.path() + ": " + e.getMessage(), e);
    }
  }
}

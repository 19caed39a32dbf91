package dev.quarry.store.job;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.util.Optional;

/**
 * Ingestion jobs of a tenant. Documents join a job through {@code
 * DocumentStateStore.submit(submission.inJob(id))}; rate and ETA are the caller's to derive from
 * the counts and timestamps.
 */
public interface JobStore {

  int MAX_FAILURES_LISTED = 100;

  /** A new, empty job on {@code collection}; {@code NotFoundException} when it does not exist. */
  IngestionJob create(CollectionKey collection);

  /** The job with live counts and its first failures, when {@code tenant} has it. */
  Optional<IngestionJob> find(TenantId tenant, String jobId);

  /** The tenant's jobs, newest first. */
  Page<IngestionJob> list(TenantId tenant, PageRequest page);

  /**
   * Stamps the job finished (the first call's time is kept); {@code NotFoundException} when the
   * tenant has no such job.
   */
  IngestionJob finish(TenantId tenant, String jobId);

  /**
   * Admin method (all tenants): deletes jobs that finished more than {@code retention} ago, at most
   * {@code limit} of them, oldest first; their documents keep no reference to them. Returns how many
   * were deleted. Jobs still running are kept whatever their age.
   */
  int deleteFinishedOlderThan(Duration retention, int limit);
}

package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.store.Page;
import dev.quarry.store.Store;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.job.JobFailure;
import dev.quarry.store.key.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ingestion jobs of the calling key's tenant: state, counts by document state, rate, ETA and the
 * first failures. Counts are live (computed from the documents), so they cannot drift. A job stays
 * readable for {@code ingest.job_retention} after it finished, also when its collection was deleted:
 * it then says so ({@code state: collection_deleted}) and keeps the counts it had at that moment.
 */
public final class JobRoutes {

  private final Store store;
  private final Clock clock;

  public JobRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public void register(Router router) {
    Access ingest = Access.scope(Scope.INGEST);
    router.route("GET", "/v1/jobs", ingest,
        ApiDoc.op("listJobs", "List the caller's ingestion jobs, newest first")
            .param(ApiDoc.Param.query("limit", "Page size, 1-1000 (default 50)."))
            .param(ApiDoc.Param.query("cursor", "`next_cursor` of the previous page."))
            .responds(200, "`jobs` (as in get), `next_cursor`"),
        (r, k) -> {
      Page<IngestionJob> page = store.jobs().list(caller(k).tenant(), Paging.of(r, 50));
      Instant now = clock.instant();
      return Response.ok(Paging.body("jobs", page, j -> view(j, now)));
    });
    router.route("GET", "/v1/jobs/{job}", ingest,
        ApiDoc.op("getJob", "An ingestion job's progress")
            .param(ApiDoc.Param.path("job", "The job id returned by the batch upload."))
            .responds(200, "`id`, `collection`, `state` (running, done, done_with_failures, or collection_deleted: "
                + "its documents were deleted with the collection), `submitted`, `counts` by document state (as they were "
                + "when the collection was deleted), `superseded`, `rate_per_second`, `eta_seconds`, `created_at`, "
                + "`finished_at`, `collection_deleted_at`, `failures` (id, reason, attempts, failed_at; the first 100)")
            .fails(404, "not_found: the tenant has no such job, or it finished more than ingest.job_retention ago"),
        (r, k) -> Response.ok(view(
        Ingestion.stampIfDone(store, store.jobs().find(caller(k).tenant(), r.path("job"))
            .orElseThrow(() -> new NotFoundException("job '" + r.path("job") + "' does not exist"))),
        clock.instant())));
  }

  /**
   * A job as the API shows it. {@code rate} is documents finished (indexed or failed) per second
   * since the job was created; {@code eta_seconds} the pending documents at that rate (null until
   * one finished).
   */
  static Map<String, Object> view(IngestionJob job, Instant now) {
    long indexed = job.counts().get(DocumentState.INDEXED);
    long failed = job.counts().get(DocumentState.FAILED);
    long pending = job.counts().pending();
    Instant end = job.finishedAt().orElse(now);
    double seconds = Math.max(0.001, Duration.between(job.createdAt(), end).toMillis() / 1000.0);
    double rate = (indexed + failed) / seconds;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", job.id());
    out.put("collection", job.collection().name());
    out.put("state", job.collectionDeletedAt().isPresent() ? "collection_deleted"
        : job.done() ? (failed > 0 ? "done_with_failures" : "done") : "running");
    out.put("submitted", job.submitted());
    Map<String, Object> counts = new LinkedHashMap<>();
    for (DocumentState s : DocumentState.values()) {
      counts.put(s.wireName(), job.counts().get(s));
    }
    out.put("counts", counts);
    out.put("superseded", job.superseded());
    out.put("rate_per_second", Math.round(rate * 100) / 100.0);
    Long eta = job.done() ? Long.valueOf(0) : rate > 0 ? Long.valueOf(Math.round(pending / rate)) : null;
    out.put("eta_seconds", eta);
    out.put("created_at", job.createdAt().toString());
    out.put("finished_at", job.finishedAt().map(Instant::toString).orElse(null));
    out.put("collection_deleted_at", job.collectionDeletedAt().map(Instant::toString).orElse(null));
    out.put("failures", job.failures().stream().map(JobRoutes::failure).toList());
    return out;
  }

  private static Map<String, Object> failure(JobFailure f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.documentId());
    m.put("reason", f.reason());
    m.put("attempts", f.attempts());
    m.put("failed_at", f.failedAt().toString());
    return m;
  }
}

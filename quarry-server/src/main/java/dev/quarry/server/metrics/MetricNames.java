package dev.quarry.server.metrics;

/** Every metric name and label the server exposes, in one place so dashboards have one source. */
public final class MetricNames {

  /** Histogram of request latency in seconds, labelled by route template, method and status. */
  public static final String REQUEST_DURATION = "quarry_http_request_duration_seconds";

  /** Counter of failed requests by taxonomy code. */
  public static final String ERRORS = "quarry_errors_total";

  /** Counter of documents indexed (successful upserts) since start. */
  public static final String DOCUMENTS_INDEXED = "quarry_documents_indexed_total";

  /**
   * Histogram of the wall time of each ingestion and search stage in seconds, labelled by stage
   * (search stages once per query, ingestion stages per document or batch; see docs/metrics.md).
   */
  public static final String STAGE_DURATION = "quarry_stage_duration_seconds";

  /** Counter of CPU seconds used by each stage, on the thread that ran it and the model's workers. */
  public static final String STAGE_CPU = "quarry_stage_cpu_seconds_total";

  /** Counter of stage runs whose CPU time could not be measured (they ran on a virtual thread). */
  public static final String STAGE_CPU_UNMEASURED = "quarry_stage_cpu_unmeasured_total";

  /** Counter of cache lookups, labelled by cache and result (hit or miss). */
  public static final String CACHE_REQUESTS = "quarry_cache_requests_total";

  /** Counter of CPU seconds used by the whole process (every thread, GC and JIT included). */
  public static final String PROCESS_CPU = "process_cpu_seconds_total";

  /** Gauge of documents in the store by ingestion state, all tenants, read at scrape time. */
  public static final String INGEST_DOCUMENTS = "quarry_ingest_documents";

  /** Gauge of documents a worker could claim now (not leased, backing off or expired), read at scrape time. */
  public static final String INGEST_QUEUE_DUE = "quarry_ingest_queue_due";

  public static final String LABEL_ROUTE = "route";
  public static final String LABEL_METHOD = "method";
  public static final String LABEL_STATUS = "status";
  public static final String LABEL_CODE = "code";
  public static final String LABEL_STAGE = "stage";
  public static final String LABEL_CACHE = "cache";
  public static final String LABEL_RESULT = "result";
  public static final String LABEL_STATE = "state";
  public static final String RESULT_HIT = "hit";
  public static final String RESULT_MISS = "miss";

  /** The route label of a request that matched no route (so raw paths never become labels). */
  public static final String UNMATCHED_ROUTE = "unmatched";

  private MetricNames() {}
}

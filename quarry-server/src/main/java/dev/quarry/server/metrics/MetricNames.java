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

  /** Histogram of tokens per model call ({@code gen_ai.client.token.usage}), by operation, model and token type. */
  public static final String GEN_AI_TOKEN_USAGE = "gen_ai_client_token_usage";

  /** Histogram of the wall time of model calls in seconds ({@code gen_ai.client.operation.duration}). */
  public static final String GEN_AI_OPERATION_DURATION = "gen_ai_client_operation_duration_seconds";

  /** Histogram of the time to first token of streamed calls in seconds ({@code gen_ai.server.time_to_first_token}). */
  public static final String GEN_AI_TIME_TO_FIRST_TOKEN = "gen_ai_server_time_to_first_token_seconds";

  /** Counter of citation markers that named no passage of the answer's context and were removed. */
  public static final String CITATIONS_REMOVED = "quarry_answer_citations_removed_total";

  /** Counter of answers that fell back (extractive answer, heuristic rewrite), by stage. */
  public static final String ANSWERS_DEGRADED = "quarry_answer_degraded_total";

  /**
   * Gauge of each model's circuit breaker: 1 for its current state, 0 for the others, labelled by
   * model and state ({@code closed}, {@code open}, {@code half_open}); read at scrape time.
   */
  public static final String LLM_BREAKER_STATE = "quarry_llm_breaker_state";

  /** Gauge of the failure rate (0..1) over each model's sliding window; -1 while the window holds too few calls. */
  public static final String LLM_BREAKER_FAILURE_RATE = "quarry_llm_breaker_failure_rate";

  /** Gauge of calls an open breaker refused (no network), by model, since the breaker last closed. */
  public static final String LLM_BREAKER_NOT_PERMITTED = "quarry_llm_breaker_not_permitted_calls";

  /** Counter of tokens of settled model calls, by tenant, answering model and type (input, output, cached). */
  public static final String LLM_TOKENS = "quarry_llm_tokens_total";

  /** Counter of the cost of settled model calls at the configured prices, by tenant and answering model. */
  public static final String LLM_COST = "quarry_llm_cost_total";

  /** Counter of model calls refused (or streams cut) by a budget, by tenant and limit. */
  public static final String BUDGET_REFUSALS = "quarry_budget_refusals_total";

  public static final String LABEL_TENANT = "tenant";
  public static final String LABEL_MODEL = "model";
  public static final String LABEL_TOKEN_TYPE = "type";
  public static final String LABEL_BUDGET = "budget";

  public static final String LABEL_GEN_AI_OPERATION = "gen_ai_operation_name";
  public static final String LABEL_GEN_AI_MODEL = "gen_ai_request_model";
  public static final String LABEL_GEN_AI_TOKEN_TYPE = "gen_ai_token_type";
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

package dev.quarry.server.metrics;

/** Every metric name and label the server exposes, in one place so dashboards have one source. */
public final class MetricNames {

  /** Histogram of request latency in seconds, labelled by route template, method and status. */
  public static final String REQUEST_DURATION = "quarry_http_request_duration_seconds";

  /** Counter of failed requests by taxonomy code. */
  public static final String ERRORS = "quarry_errors_total";

  /** Counter of documents indexed (successful upserts) since start. */
  public static final String DOCUMENTS_INDEXED = "quarry_documents_indexed_total";

  public static final String LABEL_ROUTE = "route";
  public static final String LABEL_METHOD = "method";
  public static final String LABEL_STATUS = "status";
  public static final String LABEL_CODE = "code";

  /** The route label of a request that matched no route (so raw paths never become labels). */
  public static final String UNMATCHED_ROUTE = "unmatched";

  private MetricNames() {}
}

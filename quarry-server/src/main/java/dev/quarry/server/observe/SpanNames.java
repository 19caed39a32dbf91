package dev.quarry.server.observe;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Every span name and attribute the server writes, in one place (like {@code MetricNames}). HTTP
 * attributes follow the OpenTelemetry semantic conventions; the server's own are {@code quarry.*}.
 *
 * <p>Decision: no attribute carries document text, a query, a raw path (it holds document ids) or a
 * key: a request span names its route template, never its URL.
 */
public final class SpanNames {

  /** The root span of one batch the ingestion worker processes (one collection's due documents). */
  public static final String INGEST_BATCH = "ingest batch";

  public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  /** On a failed request (5xx): the error code of the response body, e.g. {@code storage_unavailable}. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  /** The tenant of the calling key (absent on open routes and before authentication). */
  public static final AttributeKey<String> TENANT = AttributeKey.stringKey("quarry.tenant");
  /** The request id, as in the access log and the {@code X-Request-Id} header. */
  public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("quarry.request_id");
  /** The collection an ingestion batch writes to, as the tenant named it. */
  public static final AttributeKey<String> COLLECTION = AttributeKey.stringKey("quarry.collection");
  /** How many documents an ingestion batch claimed. */
  public static final AttributeKey<Long> DOCUMENTS = AttributeKey.longKey("quarry.documents");
  /** A stage's CPU time in nanoseconds, when it could be measured (see docs/metrics.md). */
  public static final AttributeKey<Long> STAGE_CPU_NANOS = AttributeKey.longKey("quarry.stage.cpu_nanos");

  /** GenAI semantic conventions, on the {@code generate} stage's span: the operation, e.g. {@code chat}. */
  public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  /** The model Quarry was asked for (its configured name, or {@code extractive}). */
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  /** The configured provider the model runs on ({@code quarry} for the extractive answerer). */
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  /** The model name the upstream answered with. */
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  /** A streamed call's time to its first token, in nanoseconds. */
  public static final AttributeKey<Long> TIME_TO_FIRST_TOKEN_NANOS = AttributeKey.longKey("quarry.gen_ai.time_to_first_token_nanos");

  /**
   * GenAI semantic conventions, on a tool call's span (named {@code execute_tool <tool>}, with
   * {@link #GEN_AI_OPERATION_NAME} {@code execute_tool}): the tool's name and the model's call id.
   */
  public static final AttributeKey<String> GEN_AI_TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
  /** How a tool call ended: {@code ok}, {@code invalid_arguments}, {@code unknown_tool}, {@code error}, {@code timeout}. */
  public static final AttributeKey<String> TOOL_OUTCOME = AttributeKey.stringKey("quarry.tool.outcome");
  /** The span name prefix and operation of a tool call. */
  public static final String EXECUTE_TOOL = "execute_tool";

  private SpanNames() {}
}

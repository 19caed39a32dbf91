package dev.quarry.server.observe;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.TaskObserver;
import dev.quarry.core.observe.ToolInvocation;
import dev.quarry.server.config.TelemetryConfig;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server's OpenTelemetry traces: a {@code SERVER} span per request ({@link #request}), a root
 * span per batch the ingestion worker processes ({@link #ingestBatch}), and under either a span per
 * pipeline stage the engine ran for it. Names and attributes are in {@link SpanNames}.
 *
 * <p>Decisions:
 * <ul>
 *   <li>Wired by hand from section {@code telemetry} ({@link #start}): the SDK's tracer provider,
 *       a parent-based ratio sampler, a batch span processor and the OTLP HTTP/protobuf exporter.
 *       No autoconfiguration, no agent, nothing global: {@code OTEL_*} variables are not read.
 *   <li>Off ({@link #off}, no {@code otlp_endpoint}): no SDK and no span objects, so nothing is
 *       exported or connected to and a request costs nothing more. Each request still gets its
 *       {@link TraceContext} (the inbound trace continued, or a new one) for the access log and the
 *       {@code traceparent} response header, exactly as before tracing existed.
 *   <li>On: the inbound {@code traceparent} and {@code tracestate} are read by {@link
 *       TraceContext} (OpenTelemetry's W3C propagator; malformed means a new trace) and become the
 *       remote parent of the server span; the server span's own ids, sampled flag and trace state
 *       are then the {@link TraceContext} of the log and the response headers, so the ids a client
 *       sees are the ones in the collector.
 *   <li>Stage spans are made after the fact: the engine reports (stage, wall, CPU) when a stage
 *       ends, on whatever thread ran it. The request (or batch) binds a {@link TaskObserver} that
 *       the engine carries to its threads, and that observer makes a span under the request's with
 *       start = end - wall. A request, a batch and their stages read time from one anchor (the
 *       epoch at their start plus {@link System#nanoTime} since), as the SDK does for child spans,
 *       so a stage never sticks out of its parent.
 *   <li>Only spans that are sampled get stage children; an unsampled request makes none.
 * </ul>
 */
public final class Tracing implements AutoCloseable {

  private static final String SCOPE = "dev.quarry.server";
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final Optional<SdkTracerProvider> provider;
  private final Tracer tracer;

  private Tracing(Optional<SdkTracerProvider> provider) {
    this.provider = provider;
    this.tracer = provider.map(p -> p.get(SCOPE)).orElseGet(() -> TracerProvider.noop().get(SCOPE));
  }

  /** No traces: requests get their {@link TraceContext} only. */
  public static Tracing off() {
    return new Tracing(Optional.empty());
  }

  /** Traces exported over OTLP/HTTP to the configured endpoint, or {@link #off} when there is none. */
  public static Tracing start(TelemetryConfig config) {
    return config.otlpEndpoint()
        .map(endpoint -> exportingTo(OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(endpoint)).build(), config))
        .orElseGet(Tracing::off);
  }

  /**
   * Traces handed to {@code exporter} through a batch span processor, sampled and named by {@code
   * config} (its endpoint is not used). {@link #close} shuts the exporter down.
   */
  public static Tracing exportingTo(SpanExporter exporter, TelemetryConfig config) {
    Objects.requireNonNull(exporter, "exporter");
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SpanNames.SERVICE_NAME, config.serviceName()))))
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    return new Tracing(Optional.of(provider));
  }

  /**
   * Where OTLP/HTTP traces go for a collector at {@code endpoint}: its base URL (as {@code
   * http://127.0.0.1:4318}) with {@code /v1/traces} appended to the path, as the OTLP exporter
   * specification does for its base endpoint.
   */
  static String tracesUrl(URI endpoint) {
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path + "/v1/traces";
  }

  /** Whether spans are made at all. */
  public boolean enabled() {
    return provider.isPresent();
  }

  /**
   * Starts the span of one request that came with {@code traceparent} (if any). Its name is the
   * method until {@link RequestSpan#end} knows the route.
   */
  public RequestSpan request(Optional<String> traceparent, String method, String requestId) {
    return request(traceparent, Optional.empty(), method, requestId);
  }

  /**
   * Starts the span of one request that came with {@code traceparent} and {@code tracestate} (if
   * any); the trace state is kept for the response and for the spans under this one.
   */
  public RequestSpan request(Optional<String> traceparent, Optional<String> tracestate, String method,
      String requestId) {
    if (provider.isEmpty()) {
      return RequestSpan.untraced(TraceContext.continuing(traceparent, tracestate));
    }
    Anchor anchor = Anchor.now();
    Context parent = TraceContext.remoteParent(traceparent, tracestate)
        .map(p -> Context.root().with(Span.wrap(p)))
        .orElse(Context.root());
    String wireMethod = KNOWN_METHODS.contains(method) ? method : "_OTHER";
    String name = wireMethod.equals("_OTHER") ? "HTTP" : wireMethod;
    Span span = tracer.spanBuilder(name)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setStartTimestamp(anchor.epochNanos(), NANOSECONDS)
        .setAttribute(SpanNames.HTTP_REQUEST_METHOD, wireMethod)
        .setAttribute(SpanNames.REQUEST_ID, requestId)
        .startSpan();
    TraceContext trace = TraceContext.of(span.getSpanContext());
    return RequestSpan.traced(trace, span, name, stagesUnder(span, anchor), anchor);
  }

  /**
   * Runs {@code work}, the ingestion worker's pass over {@code documents} due documents of one
   * collection, as the root span {@value SpanNames#INGEST_BATCH} with the stages it runs under it.
   */
  public <T, X extends Throwable> T ingestBatch(String tenant, String collection, int documents,
      ScopedValue.CallableOp<? extends T, X> work) throws X {
    if (provider.isEmpty()) {
      return work.call();
    }
    Anchor anchor = Anchor.now();
    Span span = tracer.spanBuilder(SpanNames.INGEST_BATCH)
        .setNoParent()
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(anchor.epochNanos(), NANOSECONDS)
        .setAttribute(SpanNames.TENANT, tenant)
        .setAttribute(SpanNames.COLLECTION, collection)
        .setAttribute(SpanNames.DOCUMENTS, (long) documents)
        .startSpan();
    if (!span.isRecording()) {
      return work.call();
    }
    try {
      return TaskObserver.observing(stagesUnder(span, anchor), work);
    } catch (Throwable t) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(SpanNames.ERROR_TYPE, t.getClass().getName());
      throw t;
    } finally {
      span.end(anchor.epochNanosAt(System.nanoTime()), NANOSECONDS);
    }
  }

  /**
   * The engine's stage observer: every stage goes to {@code metrics}, and when traced to the span
   * of the task it ran for (the {@link TaskObserver} bound where the task was handed over).
   */
  public StageObserver engineStages(StageObserver metrics) {
    Objects.requireNonNull(metrics, "metrics");
    if (provider.isEmpty()) {
      return metrics;
    }
    return new StageObserver() {
      @Override
      public void record(Stage stage, long wallNanos, long cpuNanos) {
        metrics.record(stage, wallNanos, cpuNanos);
        TaskObserver.current().record(stage, wallNanos, cpuNanos);
      }

      @Override
      public void generation(ModelCall call, long wallNanos, long cpuNanos) {
        metrics.generation(call, wallNanos, cpuNanos);
        TaskObserver.current().generation(call, wallNanos, cpuNanos);
      }

      @Override
      public void toolCall(ToolInvocation call, long wallNanos) {
        metrics.toolCall(call, wallNanos);
        TaskObserver.current().toolCall(call, wallNanos);
      }
    };
  }

  /** Exports every span ended so far, waiting up to 10 s. */
  public void flush() {
    provider.ifPresent(p -> p.forceFlush().join(10, SECONDS));
  }

  /** Exports what is left (waiting up to 10 s) and shuts the exporter down. */
  @Override
  public void close() {
    provider.ifPresent(p -> p.shutdown().join(10, SECONDS));
  }

  /** A span per stage under {@code parent}, or nothing when {@code parent} is not sampled. */
  private StageObserver stagesUnder(Span parent, Anchor anchor) {
    if (!parent.isRecording()) {
      return StageObserver.NONE;
    }
    Context context = Context.root().with(parent);
    return new StageObserver() {
      @Override
      public void record(Stage stage, long wallNanos, long cpuNanos) {
        long end = anchor.epochNanosAt(System.nanoTime());
        stageSpan(stage, end, wallNanos, cpuNanos).startSpan().end(end, NANOSECONDS);
      }

      /** The generate stage's span, with OpenTelemetry's GenAI attributes of the model call. */
      @Override
      public void generation(ModelCall call, long wallNanos, long cpuNanos) {
        long end = anchor.epochNanosAt(System.nanoTime());
        SpanBuilder b = stageSpan(Stage.GENERATE, end, wallNanos, cpuNanos)
            .setAttribute(SpanNames.GEN_AI_OPERATION_NAME, call.operation())
            .setAttribute(SpanNames.GEN_AI_REQUEST_MODEL, call.requestModel())
            .setAttribute(SpanNames.GEN_AI_PROVIDER_NAME, call.provider())
            .setAttribute(SpanNames.GEN_AI_RESPONSE_MODEL, call.responseModel())
            .setAttribute(SpanNames.GEN_AI_USAGE_INPUT_TOKENS, call.inputTokens())
            .setAttribute(SpanNames.GEN_AI_USAGE_OUTPUT_TOKENS, call.outputTokens());
        call.timeToFirstToken().ifPresent(t -> b.setAttribute(SpanNames.TIME_TO_FIRST_TOKEN_NANOS, t.toNanos()));
        b.startSpan().end(end, NANOSECONDS);
      }

      /** A tool call's span, {@code execute_tool <name>}, with its outcome; an error status unless it was ok. */
      @Override
      public void toolCall(ToolInvocation call, long wallNanos) {
        long end = anchor.epochNanosAt(System.nanoTime());
        Span span = tracer.spanBuilder(SpanNames.EXECUTE_TOOL + " " + call.tool())
            .setParent(context)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(end - wallNanos, NANOSECONDS)
            .setAttribute(SpanNames.GEN_AI_OPERATION_NAME, SpanNames.EXECUTE_TOOL)
            .setAttribute(SpanNames.GEN_AI_TOOL_NAME, call.tool())
            .setAttribute(SpanNames.GEN_AI_TOOL_CALL_ID, call.callId())
            .setAttribute(SpanNames.TOOL_OUTCOME, call.outcome().wireName())
            .startSpan();
        if (call.outcome() != ToolInvocation.Outcome.OK) {
          span.setStatus(StatusCode.ERROR);
          span.setAttribute(SpanNames.ERROR_TYPE, call.outcome().wireName());
        }
        span.end(end, NANOSECONDS);
      }

      private SpanBuilder stageSpan(Stage stage, long end, long wallNanos, long cpuNanos) {
        SpanBuilder b = tracer.spanBuilder(stage.wireName())
            .setParent(context)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(end - wallNanos, NANOSECONDS);
        if (cpuNanos >= 0) {
          b.setAttribute(SpanNames.STAGE_CPU_NANOS, cpuNanos);
        }
        return b;
      }
    };
  }

  /** Epoch nanoseconds at one {@link System#nanoTime} reading, to time a span and its children. */
  record Anchor(long epochNanos, long nanoTime) {
    static Anchor now() {
      Instant now = Instant.now();
      return new Anchor(SECONDS.toNanos(now.getEpochSecond()) + now.getNano(), System.nanoTime());
    }

    long epochNanosAt(long laterNanoTime) {
      return epochNanos + (laterNanoTime - nanoTime);
    }
  }
}

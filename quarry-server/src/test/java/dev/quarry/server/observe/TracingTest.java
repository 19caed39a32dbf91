package dev.quarry.server.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.TaskObserver;
import dev.quarry.core.observe.ToolInvocation;
import dev.quarry.server.config.TelemetryConfig;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CALLER = "00f067aa0ba902b7";
  static final StageObserver METRICS = (stage, wall, cpu) -> {};

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final Tracing tracing = Tracing.exportingTo(exporter, TelemetryConfig.DEFAULT);

  @AfterEach
  void close() {
    tracing.close();
  }

  private List<SpanData> exported() {
    tracing.flush();
    return exporter.getFinishedSpanItems();
  }

  @Test
  void offContinuesTheInboundTraceAsBeforeAndMakesNoSpans() throws Exception {
    Tracing off = Tracing.off();
    assertFalse(off.enabled());
    RequestSpan sampled = off.request(Optional.of("00-" + TRACE + "-" + CALLER + "-01"), "GET", "r1");
    assertEquals(TRACE, sampled.trace().traceId());
    assertEquals("01", sampled.trace().flags());
    assertNotEquals(CALLER, sampled.trace().spanId());
    assertEquals("00", off.request(Optional.empty(), "GET", "r2").trace().flags());
    assertSame(StageObserver.NONE, sampled.run(TaskObserver::current), "no stage is attributed to an untraced request");
    assertSame(METRICS, off.engineStages(METRICS), "the engine reports to metrics alone");
    sampled.end(Optional.of("/healthz"), Optional.empty(), 200, "");
  }

  @Test
  void theServerSpanContinuesTheCallersTraceAndItsIdsAreTheResponseTraceparent() {
    RequestSpan r = tracing.request(Optional.of("00-" + TRACE + "-" + CALLER + "-01"), "GET", "r1");
    r.end(Optional.of("/healthz"), Optional.empty(), 200, "");
    SpanData span = exported().getFirst();
    assertEquals("GET /healthz", span.getName());
    assertEquals("00-" + TRACE + "-" + span.getSpanId() + "-01", r.trace().traceparent());
    assertEquals(CALLER, span.getParentSpanId());
  }

  @Test
  void anUnsampledCallerGetsANewSpanIdButNoSpanIsRecorded() throws Exception {
    RequestSpan r = tracing.request(Optional.of("00-" + TRACE + "-" + CALLER + "-00"), "GET", "r1");
    assertEquals(TRACE, r.trace().traceId());
    assertEquals("00", r.trace().flags());
    assertNotEquals(CALLER, r.trace().spanId());
    assertSame(StageObserver.NONE, r.run(TaskObserver::current), "no stage spans under an unsampled request");
    r.end(Optional.of("/healthz"), Optional.empty(), 200, "");
    assertEquals(List.of(), exported());
  }

  @Test
  void aMalformedTraceparentStartsANewTraceWithARootSpan() {
    RequestSpan r = tracing.request(Optional.of("00-" + TRACE + "-" + CALLER), "GET", "r1");
    assertNotEquals(TRACE, r.trace().traceId());
    r.end(Optional.empty(), Optional.empty(), 404, "");
    SpanData span = exported().getFirst();
    assertFalse(span.getParentSpanContext().isValid());
    assertEquals(r.trace().traceId(), span.getTraceId());
  }

  @Test
  void theRatioSamplesNewTracesButACallersSampledTraceIsKept() {
    InMemorySpanExporter none = InMemorySpanExporter.create();
    try (Tracing sampleNone = Tracing.exportingTo(none, new TelemetryConfig(Optional.empty(), "quarry", 0.0))) {
      RequestSpan fresh = sampleNone.request(Optional.empty(), "GET", "r1");
      assertFalse(fresh.trace().traceparent().endsWith("1"), "not sampled: " + fresh.trace().traceparent());
      fresh.end(Optional.of("/healthz"), Optional.empty(), 200, "");
      RequestSpan continued = sampleNone.request(Optional.of("00-" + TRACE + "-" + CALLER + "-01"), "GET", "r2");
      assertEquals("01", continued.trace().flags());
      continued.end(Optional.of("/healthz"), Optional.empty(), 200, "");
      sampleNone.flush();
      List<SpanData> spans = none.getFinishedSpanItems();
      assertEquals(1, spans.size(), spans.toString());
      assertEquals(TRACE, spans.getFirst().getTraceId());
    }
  }

  @Test
  void aServerErrorSetsTheErrorStatusAndType() {
    tracing.request(Optional.empty(), "GET", "r1").end(Optional.of("/readyz"), Optional.empty(), 503, "storage");
    tracing.request(Optional.empty(), "GET", "r2").end(Optional.of("/readyz"), Optional.empty(), 500, "");
    tracing.request(Optional.empty(), "GET", "r3").end(Optional.of("/readyz"), Optional.empty(), 429, "rate_limited");
    List<SpanData> spans = exported();
    assertEquals(StatusCode.ERROR, spans.get(0).getStatus().getStatusCode());
    assertEquals("storage", spans.get(0).getAttributes().get(SpanNames.ERROR_TYPE));
    assertEquals("500", spans.get(1).getAttributes().get(SpanNames.ERROR_TYPE));
    assertEquals(StatusCode.UNSET, spans.get(2).getStatus().getStatusCode(), "a 4xx is not the server's error");
    assertEquals(null, spans.get(2).getAttributes().get(SpanNames.ERROR_TYPE));
  }

  @Test
  void anUnknownMethodIsOtherSoNamesStayFew() {
    tracing.request(Optional.empty(), "BREW", "r1").end(Optional.of("/healthz"), Optional.empty(), 405, "");
    SpanData span = exported().getFirst();
    assertEquals("HTTP /healthz", span.getName());
    assertEquals("_OTHER", span.getAttributes().get(SpanNames.HTTP_REQUEST_METHOD));
  }

  @Test
  void aStageReportedToTheEngineObserverBecomesAChildOfTheBatchThatRanIt() {
    StageObserver engine = tracing.engineStages(METRICS);
    tracing.ingestBatch("acme", "docs", 3, () -> {
      engine.record(Stage.EMBED_DOCUMENTS, 2_000_000, 1_500_000);
      engine.record(Stage.PARSE, 1_000, StageObserver.CPU_UNKNOWN);
      return null;
    });
    engine.record(Stage.FUSE, 1_000, 1_000); // outside any task: metrics only
    List<SpanData> spans = exported();
    assertEquals(3, spans.size(), spans.toString());
    SpanData batch = spans.stream().filter(s -> s.getName().equals(SpanNames.INGEST_BATCH)).findFirst().orElseThrow();
    SpanData embed = spans.stream().filter(s -> s.getName().equals("embed_documents")).findFirst().orElseThrow();
    SpanData parse = spans.stream().filter(s -> s.getName().equals("parse")).findFirst().orElseThrow();
    assertEquals(batch.getSpanId(), embed.getParentSpanId());
    assertEquals(2_000_000, embed.getEndEpochNanos() - embed.getStartEpochNanos());
    assertEquals(1_500_000L, embed.getAttributes().get(SpanNames.STAGE_CPU_NANOS));
    assertEquals(null, parse.getAttributes().get(SpanNames.STAGE_CPU_NANOS), "unmeasured CPU is left out");
    assertEquals(3L, batch.getAttributes().get(SpanNames.DOCUMENTS));
  }

  @Test
  void aToolCallIsAnExecuteToolSpanUnderItsTaskWithItsOutcome() {
    StageObserver engine = tracing.engineStages(METRICS);
    tracing.ingestBatch("acme", "docs", 1, () -> {
      engine.toolCall(new ToolInvocation("search", "call_1", ToolInvocation.Outcome.OK), 3_000_000);
      engine.toolCall(new ToolInvocation("weather", "call_2", ToolInvocation.Outcome.INVALID_ARGUMENTS), 1_000);
      return null;
    });
    List<SpanData> spans = exported();
    SpanData batch = spans.stream().filter(s -> s.getName().equals(SpanNames.INGEST_BATCH)).findFirst().orElseThrow();
    SpanData search = spans.stream().filter(s -> s.getName().equals("execute_tool search")).findFirst().orElseThrow();
    SpanData weather = spans.stream().filter(s -> s.getName().equals("execute_tool weather")).findFirst().orElseThrow();
    assertEquals(batch.getSpanId(), search.getParentSpanId());
    assertEquals(3_000_000, search.getEndEpochNanos() - search.getStartEpochNanos());
    assertEquals("execute_tool", search.getAttributes().get(SpanNames.GEN_AI_OPERATION_NAME));
    assertEquals("call_1", search.getAttributes().get(SpanNames.GEN_AI_TOOL_CALL_ID));
    assertEquals("ok", search.getAttributes().get(SpanNames.TOOL_OUTCOME));
    assertEquals(StatusCode.UNSET, search.getStatus().getStatusCode());
    assertEquals("invalid_arguments", weather.getAttributes().get(SpanNames.TOOL_OUTCOME));
    assertEquals(StatusCode.ERROR, weather.getStatus().getStatusCode());
  }

  @Test
  void aFailedBatchIsAnErrorAndTheFailureGoesOn() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> tracing.ingestBatch("acme", "docs", 1, () -> {
          throw new IllegalStateException("disk full");
        }));
    assertEquals("disk full", e.getMessage());
    SpanData batch = exported().getFirst();
    assertEquals(StatusCode.ERROR, batch.getStatus().getStatusCode());
    assertEquals(IllegalStateException.class.getName(), batch.getAttributes().get(SpanNames.ERROR_TYPE));
  }

  @Test
  void tracesGoToTheV1TracesPathUnderTheEndpoint() {
    assertEquals("http://127.0.0.1:4318/v1/traces", Tracing.tracesUrl(URI.create("http://127.0.0.1:4318")));
    assertEquals("http://127.0.0.1:4318/v1/traces", Tracing.tracesUrl(URI.create("http://127.0.0.1:4318/")));
    assertEquals("https://collector.example/otlp/v1/traces", Tracing.tracesUrl(URI.create("https://collector.example/otlp/")));
  }
}

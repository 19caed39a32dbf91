package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.TelemetryConfig;
import dev.quarry.server.observe.SpanNames;
import dev.quarry.server.observe.Tracing;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Traces of a real server through the real SDK, exported to memory: the span tree of a search, of
 * a synchronous upsert and of a batch the ingestion worker processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerTracingTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CALLER_SPAN = "00f067aa0ba902b7";
  static final String QUERY = "keeper lamp dusk";
  static final Set<String> SEARCH_STAGES = Set.of("embed_query", "retrieve_lexical", "retrieve_vector", "fuse", "load");
  static final Set<String> INGEST_STAGES = Set.of("parse", "chunk", "embed_documents", "index");

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final Tracing tracing = Tracing.exportingTo(exporter, TelemetryConfig.DEFAULT);
  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start(tracing);
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/docs", key, "{}").status());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  @Test
  void aSearchIsAServerSpanInTheCallersTraceWithAChildSpanPerStage() throws Exception {
    upsert("lighthouse", "The keeper lit the lamp at dusk to guide ships past the rocks.");
    upsert("bread", "Sourdough bread needs a starter of flour and water, fed daily.");

    Reply r = api.call("POST", "/v1/collections/docs/search", key, "application/json",
        ("{\"query\":\"" + QUERY + "\",\"mode\":\"hybrid\"}").getBytes(StandardCharsets.UTF_8),
        Map.of("traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01"));
    assertEquals(200, r.status(), r.body().toString());
    assertEquals("lighthouse", r.body().get("hits").get(0).get("id").asText());
    String out = r.header("traceparent");
    assertTrue(out.matches("00-" + TRACE + "-[0-9a-f]{16}-01"), out);

    List<SpanData> spans = spansOnceEnded(answering(r));
    SpanData server = only(spans, answering(r));
    assertEquals("POST /v1/collections/{collection}/search", server.getName());
    assertEquals(TRACE, server.getTraceId());
    assertEquals(CALLER_SPAN, server.getParentSpanId(), "a child of the caller's span");
    assertTrue(server.getParentSpanContext().isRemote());
    assertEquals(out.substring(36, 52), server.getSpanId(), "the response's traceparent names the server span");
    assertNotEquals(CALLER_SPAN, server.getSpanId());
    assertEquals("POST", server.getAttributes().get(SpanNames.HTTP_REQUEST_METHOD));
    assertEquals("/v1/collections/{collection}/search", server.getAttributes().get(SpanNames.HTTP_ROUTE));
    assertEquals(200L, server.getAttributes().get(SpanNames.HTTP_RESPONSE_STATUS_CODE));
    assertEquals("acme", server.getAttributes().get(SpanNames.TENANT));
    assertEquals(r.header("X-Request-Id"), server.getAttributes().get(SpanNames.REQUEST_ID));
    assertEquals(StatusCode.UNSET, server.getStatus().getStatusCode());

    List<SpanData> stages = childrenOf(server, spans);
    assertEquals(SEARCH_STAGES, names(stages), "one span per stage: " + tree(spans));
    assertEquals(SEARCH_STAGES.size(), stages.size());
    for (SpanData stage : stages) {
      assertChildOf(server, stage);
    }
    // the stages ran on the searcher's platform threads: their CPU was measured
    assertTrue(stages.stream().allMatch(s -> s.getAttributes().get(SpanNames.STAGE_CPU_NANOS) != null), stages.toString());
    assertNoSecrets(spans);
  }

  @Test
  void aChatAnswerHasASpanPerAnswerStageAndTheGenerateSpanCarriesGenAiAttributes() throws Exception {
    upsert("tides", "The tides rise twice a day as the moon pulls the sea.");
    Reply r = api.json("POST", "/v1/chat", key, "{\"message\":\"Why do the tides rise?\",\"collections\":[\"docs\"]}");
    assertEquals(200, r.status(), r.body().toString());

    List<SpanData> spans = spansOnceEnded(answering(r));
    SpanData server = only(spans, answering(r));
    assertEquals("POST /v1/chat", server.getName());
    List<SpanData> children = childrenOf(server, spans);
    assertTrue(names(children).containsAll(Set.of("rewrite", "retrieve", "assemble", "generate", "cite")), tree(spans));
    SpanData generate = only(children, s -> s.getName().equals("generate"));
    assertEquals("chat", generate.getAttributes().get(SpanNames.GEN_AI_OPERATION_NAME));
    assertEquals("extractive", generate.getAttributes().get(SpanNames.GEN_AI_REQUEST_MODEL));
    assertEquals(r.body().get("usage").get("input_tokens").asLong(),
        generate.getAttributes().get(SpanNames.GEN_AI_USAGE_INPUT_TOKENS));
    assertEquals(r.body().get("usage").get("output_tokens").asLong(),
        generate.getAttributes().get(SpanNames.GEN_AI_USAGE_OUTPUT_TOKENS));
    assertNoSecrets(spans);
  }

  @Test
  void aSynchronousUpsertHasItsIngestionStagesUnderTheRequest() throws Exception {
    Reply r = upsert("volcano", "Magma rises through the crust and erupts as lava from a volcano.");
    List<SpanData> spans = spansOnceEnded(answering(r));
    SpanData server = only(spans, answering(r));
    assertEquals("PUT /v1/collections/{collection}/documents/{id}", server.getName());
    assertFalse(server.getParentSpanContext().isValid(), "no traceparent: a new trace");
    List<SpanData> stages = childrenOf(server, spans);
    assertEquals(INGEST_STAGES, names(stages));
    stages.forEach(s -> assertChildOf(server, s));
    assertNoSecrets(spans);
  }

  @Test
  void aBatchTheWorkerIngestsIsARootSpanWithItsStagesUnderIt() throws Exception {
    String body = "{\"_id\":\"harbour\",\"title\":\"Harbour\",\"text\":\"Ships moor in the harbour at night.\"}\n"
        + "{\"_id\":\"mill\",\"title\":\"Mill\",\"text\":\"The mill grinds grain into flour.\"}\n";
    Reply accepted = api.call("POST", "/v1/collections/docs/documents", key, "application/x-ndjson", body);
    assertEquals(202, accepted.status(), accepted.body().toString());
    JsonNode job = api.awaitBody("/v1/jobs/" + accepted.body().get("id").asText(), key,
        b -> !b.get("state").asText().equals("running"), Duration.ofSeconds(90));
    assertEquals("done", job.get("state").asText(), job.toString());

    Predicate<SpanData> isBatch = s -> s.getName().equals(SpanNames.INGEST_BATCH);
    List<SpanData> spans = spansOnceEnded(isBatch);
    SpanData batch = only(spans, isBatch);
    assertFalse(batch.getParentSpanContext().isValid(), "a root span");
    assertEquals(SpanKind.INTERNAL, batch.getKind());
    assertEquals("acme", batch.getAttributes().get(SpanNames.TENANT));
    assertEquals("docs", batch.getAttributes().get(SpanNames.COLLECTION));
    assertEquals(2L, batch.getAttributes().get(SpanNames.DOCUMENTS));
    List<SpanData> stages = childrenOf(batch, spans);
    assertEquals(INGEST_STAGES, names(stages));
    stages.forEach(s -> assertChildOf(batch, s));
    assertTrue(spans.stream().filter(s -> INGEST_STAGES.contains(s.getName()) || SEARCH_STAGES.contains(s.getName()))
        .allMatch(s -> s.getParentSpanContext().isValid()), "no stage span is a root: " + tree(spans));
    assertNoSecrets(spans);
  }

  @Test
  void aRequestThatMatchesNoRouteIsNamedByItsMethodAlone() throws Exception {
    Reply r = api.json("GET", "/v1/nothing/here", key, null);
    assertEquals(404, r.status());
    SpanData server = only(spansOnceEnded(answering(r)), answering(r));
    assertEquals("GET", server.getName());
    assertEquals(null, server.getAttributes().get(SpanNames.HTTP_ROUTE));
    assertEquals(404L, server.getAttributes().get(SpanNames.HTTP_RESPONSE_STATUS_CODE));
    assertEquals(StatusCode.UNSET, server.getStatus().getStatusCode(), "a 4xx is the caller's error, not the server's");
  }

  private Reply upsert(String id, String text) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/docs/documents/" + id + "?refresh=wait_for", key,
        "{\"title\":\"" + id + "\",\"text\":\"" + text + "\"}");
    assertEquals(200, r.status(), r.body().toString());
    return r;
  }

  /** The server span of the request {@code r} answered (by its request id). */
  private static Predicate<SpanData> answering(Reply r) {
    String requestId = r.header("X-Request-Id");
    return s -> s.getKind() == SpanKind.SERVER && requestId.equals(s.getAttributes().get(SpanNames.REQUEST_ID));
  }

  private static List<SpanData> childrenOf(SpanData parent, List<SpanData> spans) {
    return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
  }

  /**
   * The spans exported once one that {@code which} matches has ended. A request's span ends just
   * after its response is written, so the client may see the response first.
   */
  private List<SpanData> spansOnceEnded(Predicate<SpanData> which) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      tracing.flush();
      List<SpanData> spans = exporter.getFinishedSpanItems();
      if (spans.stream().anyMatch(which) || System.nanoTime() > deadline) {
        return spans;
      }
      Thread.sleep(10);
    }
  }

  private static SpanData only(List<SpanData> spans, Predicate<SpanData> which) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertEquals(1, found.size(), "spans: " + tree(spans));
    return found.getFirst();
  }

  /** Each span as {@code name (span id <- parent id)}, for failure messages. */
  private static String tree(List<SpanData> spans) {
    return spans.stream().map(s -> s.getName() + " (" + s.getSpanId() + " <- " + s.getParentSpanId() + ")")
        .collect(Collectors.joining(", "));
  }

  private static Set<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).collect(Collectors.toSet());
  }

  /** Same trace, parented on {@code parent}, and within its time. */
  private static void assertChildOf(SpanData parent, SpanData child) {
    assertEquals(parent.getTraceId(), child.getTraceId(), child.getName());
    assertEquals(parent.getSpanId(), child.getParentSpanId(), child.getName());
    assertTrue(SpanId.isValid(child.getSpanId()));
    assertEquals(SpanKind.INTERNAL, child.getKind());
    assertTrue(child.getStartEpochNanos() >= parent.getStartEpochNanos()
        && child.getEndEpochNanos() <= parent.getEndEpochNanos()
        && child.getStartEpochNanos() <= child.getEndEpochNanos(),
        child.getName() + " [" + child.getStartEpochNanos() + ", " + child.getEndEpochNanos() + "] outside "
            + parent.getName() + " [" + parent.getStartEpochNanos() + ", " + parent.getEndEpochNanos() + "]");
  }

  /** No attribute holds the query, document text or the API key. */
  private void assertNoSecrets(List<SpanData> spans) {
    for (SpanData s : spans) {
      s.getAttributes().forEach((k, v) -> {
        String value = String.valueOf(v);
        for (String secret : List.of(QUERY, "keeper", "Magma", "harbour at night", key)) {
          assertFalse(value.contains(secret), s.getName() + " attribute " + k + " = " + value);
        }
      });
    }
  }
}

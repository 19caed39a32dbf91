package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quarry.rerank.remote.RemoteRerankerConfig;
import dev.quarry.rerank.remote.RerankApi;
import dev.quarry.server.TestApi.Reply;
import dev.quarry.server.config.RerankersConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Re-rankers from the {@code rerankers} configuration, served: a search names a remote re-ranker,
 * which a scripted Cohere-style {@code /rerank} server on loopback answers; when it is too slow or
 * fails, the search keeps the fused order and says {@code degraded}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfiguredRerankerApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  HttpServer rerankApi;
  final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final AtomicInteger flakyCalls = new AtomicInteger();
  final ExecutorService handlers = Executors.newCachedThreadPool();
  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    rerankApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // scores a document by how often it says "bread": whatever the fused order, bread comes first
    rerankApi.createContext("/v2/rerank", ex -> reply(ex, 200, breadFirst(record(ex))));
    rerankApi.createContext("/slow/rerank", ex -> {
      record(ex);
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "{\"results\":[]}");
    });
    // fails its first call, answers after
    rerankApi.createContext("/flaky/rerank", ex -> {
      JsonNode body = record(ex);
      if (flakyCalls.incrementAndGet() == 1) {
        reply(ex, 503, "{\"message\":\"overloaded\"}");
      } else {
        reply(ex, 200, breadFirst(body));
      }
    });
    rerankApi.setExecutor(handlers); // a held /slow call must not hold the other paths
    rerankApi.start();
    String base = "http://127.0.0.1:" + rerankApi.getAddress().getPort();
    RerankersConfig rerankers = new RerankersConfig(List.of(
        remote("scripted", 0, base + "/v2/rerank", Duration.ofSeconds(10)),
        remote("slow", 1, base + "/slow/rerank", Duration.ofMillis(300)),
        remote("flaky", 2, base + "/flaky/rerank", Duration.ofSeconds(10)),
        remote("hanging", 3, base + "/slow/rerank", Duration.ofSeconds(10))));
    api = TestApi.start(c -> c.withRerankers(rerankers));
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/docs", key, null).status());
    load("docs");
  }

  private void load(String collection) throws Exception {
    upsert(collection, "d1", "{\"title\":\"Vitamin D\",\"text\":\"Vitamin D supplementation lowers the risk of bone fractures.\"}");
    upsert(collection, "d2", "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter; bread rises overnight.\"}");
    upsert(collection, "d3", "{\"title\":\"Calcium\",\"text\":\"Calcium and vitamin intake keep bones dense.\"}");
  }

  private static RerankersConfig.Remote remote(String name, int i, String url, Duration timeout) {
    return new RerankersConfig.Remote(name, "rerankers[" + i + "]", new RemoteRerankerConfig(RerankApi.COHERE,
        URI.create(url), Optional.of("sk-test-key"), Optional.of("rerank-test"), timeout), Optional.of("TEST_KEY"));
  }

  @AfterAll
  void stop() throws Exception {
    release.countDown();
    api.close();
    rerankApi.stop(0);
    handlers.shutdownNow();
  }

  private JsonNode record(HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
    bodies.add(body);
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    return body;
  }

  private static String breadFirst(JsonNode body) {
    StringBuilder out = new StringBuilder("{\"results\":[");
    JsonNode docs = body.get("documents");
    for (int i = 0; i < docs.size(); i++) {
      String text = docs.get(i).asText().toLowerCase(java.util.Locale.ROOT);
      int breads = text.split("bread", -1).length - 1;
      out.append(i > 0 ? "," : "").append("{\"index\":").append(i).append(",\"relevance_score\":")
          .append(breads + 0.01 * i).append('}');
    }
    return out.append("]}").toString();
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private void upsert(String collection, String id, String body) throws Exception {
    Reply r = api.json("PUT", "/v1/collections/" + collection + "/documents/" + id + "?refresh=wait_for", key, body);
    assertEquals(200, r.status(), r.body().toString());
  }

  private Reply search(String reranker) throws Exception {
    String rerank = reranker == null ? "" : ",\"rerank\":{\"reranker\":\"" + reranker + "\",\"depth\":3,\"weight\":1.0}";
    Reply r = api.json("POST", "/v1/collections/docs/search", key,
        "{\"query\":\"vitamins for bones\",\"k\":3,\"explain\":true" + rerank + "}");
    assertEquals(200, r.status(), r.body().toString());
    return r;
  }

  private static List<String> ids(Reply r) {
    List<String> out = new ArrayList<>();
    r.body().get("hits").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  @Test
  void aSearchNamingAConfiguredRemoteRerankerIsReorderedByItsScores() throws Exception {
    List<String> fused = ids(search(null));
    assertEquals(3, fused.size());
    assertFalse(fused.getFirst().equals("d2"), "the bread document does not lead the fused order: " + fused);
    int before = bodies.size();
    Reply r = search("scripted");
    assertEquals("d2", ids(r).getFirst(), r.body().toString());
    assertFalse(r.body().has("degraded"), r.body().toString());
    JsonNode stage = r.body().get("hits").get(0).get("explain").get("rerank");
    assertEquals("scripted", stage.get("reranker").asText());
    assertEquals(3.0, Math.floor(stage.get("score").asDouble()), 0, "the API's score: bread in the title and twice in the text");
    JsonNode sent = bodies.get(before);
    assertEquals("vitamins for bones", sent.get("query").asText());
    assertEquals("rerank-test", sent.get("model").asText());
    assertEquals(3, sent.get("documents").size());
    assertEquals("Bearer sk-test-key", authorizations.get(before));
  }

  @Test
  void aRerankerThatTimesOutLeavesTheFusedOrderMarkedDegraded() throws Exception {
    List<String> fused = ids(search(null));
    long start = System.nanoTime();
    Reply r = search("slow");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(fused, ids(r));
    String degraded = r.body().get("degraded").asText();
    assertTrue(degraded.startsWith("re-ranker 'slow' unavailable (cohere re-ranker at http://127.0.0.1:"), degraded);
    assertTrue(degraded.contains("timed out after 300 ms"), degraded);
    assertTrue(millis < 5_000, "the search waited " + millis + " ms, not for the server");
    assertFalse(r.body().get("hits").get(0).get("explain").has("rerank"));
  }

  @Test
  void aDegradedAnswerIsNotCachedSoTheNextSearchIsReranked() throws Exception {
    Reply first = search("flaky");
    assertTrue(first.body().get("degraded").asText().contains("answered HTTP 503"), first.body().toString());
    Reply second = search("flaky");
    assertFalse(second.body().has("degraded"), second.body().toString());
    assertEquals("d2", ids(second).getFirst());
    assertEquals(2, flakyCalls.get());
  }

  /** A collection holding the three documents, searched by default with {@code reranker} (none when null). */
  private void collection(String name, String reranker) throws Exception {
    String search = reranker == null ? "" : "{\"search\":{\"rerank\":{\"reranker\":\"" + reranker
        + "\",\"depth\":3,\"weight\":1.0}}}";
    Reply r = api.json("PUT", "/v1/collections/" + name, key, reranker == null ? null : search);
    assertTrue(r.status() == 200 || r.status() == 201, r.body().toString());
  }

  /** A streamed extractive answer from {@code collection}: the {@code citations} event, then {@code done}. */
  private List<JsonNode> chat(String collection, String extra) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/chat"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"vitamins for bones\",\"k\":3,\"stream\":true,"
            + "\"collections\":[\"" + collection + "\"]" + extra + "}"))
        .timeout(Duration.ofSeconds(60)).build();
    HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    List<JsonNode> out = new ArrayList<>();
    String event = null;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && (event.equals("citations") || event.equals("done"))) {
        out.add(JSON.readTree(line.substring(6)));
      }
    }
    assertEquals(2, out.size(), r.body());
    return out;
  }

  private static String firstPassage(List<JsonNode> events) {
    return events.getFirst().get("passages").get(0).get("document_id").asText();
  }

  @Test
  void anAnswerRanksPassagesWithTheCollectionsDefaultRerankerAndItsFingerprintSaysSo() throws Exception {
    collection("answers", null);
    load("answers");
    List<JsonNode> plain = chat("answers", "");
    assertFalse(firstPassage(plain).equals("d2"), "the bread document does not lead the fused order: " + plain);
    collection("answers", "scripted");
    int before = bodies.size();
    List<JsonNode> reranked = chat("answers", "");
    assertEquals("d2", firstPassage(reranked), reranked.toString());
    assertEquals("vitamins for bones", bodies.get(before).get("query").asText(), "the re-ranker was asked");
    JsonNode done = reranked.getLast();
    assertFalse(done.has("degraded") && done.get("degraded").size() > 0, done.toString());
    assertFalse(plain.getLast().get("fingerprint").asText().equals(done.get("fingerprint").asText()),
        "the fingerprint names the re-ranker: " + done.get("fingerprint"));
  }

  @Test
  void aRerankerThatHangsIsCutAtTheAnswersDeadlineAndTheFusedPassagesAreCited() throws Exception {
    collection("hangs", "hanging");
    load("hangs");
    long start = System.nanoTime();
    List<JsonNode> events = chat("hangs", ",\"timeout_ms\":2000");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 8_000, "the answer waited " + millis + " ms, not the re-ranker's own 10 s");
    JsonNode done = events.getLast();
    JsonNode retrieve = null;
    for (JsonNode d : done.get("degraded")) {
      if (d.get("stage").asText().equals("retrieve")) {
        retrieve = d;
      }
    }
    assertTrue(retrieve != null, done.toString());
    assertTrue(retrieve.get("reason").asText().contains("re-ranker 'hanging' unavailable"), retrieve.toString());
    assertTrue(retrieve.get("reason").asText().contains("what was left of the request's deadline"), retrieve.toString());
    assertEquals("the fused order", retrieve.get("fallback").asText());
    assertFalse(done.get("citations").isEmpty(), "the fused passages are cited: " + done);
  }
}

package dev.quarry.rerank.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quarry.core.observe.RequestDeadline;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A scripted re-rank server on loopback answers as Cohere, Jina and TEI do, or misbehaves. */
class RemoteRerankerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<RerankCandidate> CANDIDATES = List.of(
      new RerankCandidate("a#0", "a", "cats sleep all day"),
      new RerankCandidate("b#0", "b", "the stock market fell"),
      new RerankCandidate("c#0", "c", "a cat and a dog"));

  private HttpServer server;
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/cohere/rerank", ex -> {
      JsonNode body = record(ex);
      // scores in reverse order of the candidates, results listed best first as Cohere does
      StringBuilder out = new StringBuilder("{\"id\":\"x\",\"results\":[");
      int n = body.get("documents").size();
      for (int i = n - 1; i >= 0; i--) {
        out.append("{\"index\":").append(i).append(",\"relevance_score\":").append(0.1 * (i + 1)).append('}');
        out.append(i > 0 ? "," : "");
      }
      reply(ex, 200, out.append("]}").toString());
    });
    server.createContext("/tei/rerank", ex -> {
      record(ex);
      reply(ex, 200, "[{\"index\":2,\"score\":0.9},{\"index\":0,\"score\":0.5},{\"index\":1,\"score\":0.01}]");
    });
    server.createContext("/slow/rerank", ex -> {
      record(ex);
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "[]");
    });
    server.createContext("/broken/rerank", ex -> {
      record(ex);
      reply(ex, 503, "{\"message\":\"overloaded\"}");
    });
    server.createContext("/partial/rerank", ex -> {
      record(ex);
      reply(ex, 200, "{\"results\":[{\"index\":0,\"relevance_score\":0.3}]}");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private JsonNode record(HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
    bodies.add(body);
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    return body;
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private RemoteReranker reranker(RerankApi api, String path, Duration timeout) {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    Optional<String> model = api == RerankApi.TEI ? Optional.empty() : Optional.of("rerank-v3.5");
    return RemoteReranker.create(new RemoteRerankerConfig(api, url, Optional.of("secret"), model, timeout));
  }

  @Test
  void cohereStyleAnswersAreMappedBackToTheCandidatesByIndex() {
    var outcome = reranker(RerankApi.COHERE, "/cohere/rerank", Duration.ofSeconds(5)).score("cat", CANDIDATES);
    var scored = assertInstanceOf(RerankOutcome.Scored.class, outcome);
    assertEquals(0.1, scored.scores().get(0), 1e-9);
    assertEquals(0.2, scored.scores().get(1), 1e-9);
    assertEquals(0.3, scored.scores().get(2), 1e-9);
    JsonNode body = bodies.getFirst();
    assertEquals("rerank-v3.5", body.get("model").asText());
    assertEquals("cat", body.get("query").asText());
    assertEquals("a cat and a dog", body.get("documents").get(2).asText());
    assertEquals(3, body.get("top_n").asInt());
    assertEquals("Bearer secret", authorizations.getFirst());
  }

  @Test
  void jinaSpeaksTheSameShapeAsCohere() {
    var outcome = reranker(RerankApi.JINA, "/cohere/rerank", Duration.ofSeconds(5)).score("cat", CANDIDATES);
    assertEquals(3, assertInstanceOf(RerankOutcome.Scored.class, outcome).scores().size());
  }

  @Test
  void teiStyleSendsTextsAndReadsScores() {
    var outcome = reranker(RerankApi.TEI, "/tei/rerank", Duration.ofSeconds(5)).score("cat", CANDIDATES);
    assertEquals(List.of(0.5, 0.01, 0.9), assertInstanceOf(RerankOutcome.Scored.class, outcome).scores());
    assertEquals(3, bodies.getFirst().get("texts").size());
    assertTrue(bodies.getFirst().path("model").isMissingNode());
  }

  @Test
  void aSlowServerTimesOutAndTheOutcomeSaysSo() {
    long start = System.nanoTime();
    var outcome = reranker(RerankApi.COHERE, "/slow/rerank", Duration.ofMillis(300)).score("cat", CANDIDATES);
    long millis = (System.nanoTime() - start) / 1_000_000;
    var unavailable = assertInstanceOf(RerankOutcome.Unavailable.class, outcome);
    assertTrue(unavailable.reason().endsWith("timed out after 300 ms"), unavailable.reason());
    assertTrue(millis < 5_000, "gave up after " + millis + " ms");
  }

  @Test
  void theRequestsDeadlineCutsALongerConfiguredTimeout() {
    RemoteReranker slow = reranker(RerankApi.COHERE, "/slow/rerank", Duration.ofSeconds(10));
    long start = System.nanoTime();
    var outcome = RequestDeadline.within(Instant.now().plusMillis(300), () -> slow.score("cat", CANDIDATES));
    long millis = (System.nanoTime() - start) / 1_000_000;
    var unavailable = assertInstanceOf(RerankOutcome.Unavailable.class, outcome);
    assertTrue(unavailable.reason().endsWith("(what was left of the request's deadline)"), unavailable.reason());
    assertTrue(millis >= 250 && millis < 5_000, "gave up after " + millis + " ms");
  }

  @Test
  void aDeadlineAlreadyPassedCallsNothing() {
    RemoteReranker r = reranker(RerankApi.COHERE, "/cohere/rerank", Duration.ofSeconds(5));
    var outcome = RequestDeadline.within(Instant.now().minusMillis(1), () -> r.score("cat", CANDIDATES));
    var unavailable = assertInstanceOf(RerankOutcome.Unavailable.class, outcome);
    assertTrue(unavailable.reason().endsWith("was not called: the request's deadline had passed"), unavailable.reason());
    assertTrue(bodies.isEmpty(), "the API was called: " + bodies);
  }

  @Test
  void anErrorStatusIsUnavailableNotAnException() {
    var outcome = reranker(RerankApi.COHERE, "/broken/rerank", Duration.ofSeconds(5)).score("cat", CANDIDATES);
    assertTrue(assertInstanceOf(RerankOutcome.Unavailable.class, outcome).reason().endsWith("answered HTTP 503"));
  }

  @Test
  void anAnswerThatSkipsACandidateIsUnavailable() {
    var outcome = reranker(RerankApi.COHERE, "/partial/rerank", Duration.ofSeconds(5)).score("cat", CANDIDATES);
    assertTrue(assertInstanceOf(RerankOutcome.Unavailable.class, outcome).reason()
        .endsWith("answered an unreadable body: candidate 1 was not scored"));
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws IOException {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    var config = new RemoteRerankerConfig(RerankApi.TEI, URI.create("http://127.0.0.1:" + port + "/rerank"),
        Optional.empty(), Optional.empty(), Duration.ofSeconds(2));
    var outcome = RemoteReranker.create(config).score("cat", CANDIDATES);
    assertTrue(assertInstanceOf(RerankOutcome.Unavailable.class, outcome).reason().contains("call failed"));
  }
}

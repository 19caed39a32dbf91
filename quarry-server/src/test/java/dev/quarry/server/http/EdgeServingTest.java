package dev.quarry.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge on a real loopback socket with routes that misbehave on purpose: a handler that throws
 * (an exception, or an error the router does not map) answers Quarry's JSON 500 with a request
 * id, never an empty 200; a streamed body reaches the client event by event, as it is flushed.
 */
class EdgeServingTest {

  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient client = HttpClient.newHttpClient();
  final CountDownLatch firstEventRead = new CountDownLatch(1);
  final CountDownLatch upstreamDone = new CountDownLatch(1);
  HttpEdge edge;

  @BeforeEach
  void start() {
    Router router = new Router(null, new JsonCodec(), 1024)
        .route("GET", "/throws", Access.open(), (r, k) -> {
          throw new IllegalStateException("a bug in a handler");
        })
        .route("GET", "/errs", Access.open(), (r, k) -> {
          throw new AssertionError("an error the router does not map");
        })
        .route("GET", "/stream", Access.open(), (r, k) -> Response.streamed("text/event-stream", out -> {
          out.write("event: first\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          try {
            // the slow upstream: the rest comes only once the client has read the first event
            assertTrue(firstEventRead.await(20, TimeUnit.SECONDS), "the first event never reached the client");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          upstreamDone.countDown();
          out.write("event: last\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }));
    edge = HttpEdge.listen("127.0.0.1", 0);
    edge.start(router, Map.of());
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void internal(HttpResponse<String> r) throws Exception {
    assertEquals(500, r.statusCode(), r.body());
    assertEquals(Optional.of("application/json"), r.headers().firstValue("Content-Type"), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals("internal", body.path("code").asText(), r.body());
    assertFalse(body.path("message").asText().contains("bug"), "the failure's text is not shown: " + r.body());
    assertEquals(r.headers().firstValue("X-Request-Id").orElseThrow(), body.path("request_id").asText());
  }

  @Test
  void aHandlerThatThrowsAnswersJson500() throws Exception {
    internal(get("/throws"));
  }

  @Test
  void aHandlerThatThrowsAnErrorAnswersJson500() throws Exception {
    internal(get("/errs"));
  }

  @Test
  void streamedEventsReachTheClientAsTheyAreFlushed() throws Exception {
    HttpResponse<java.io.InputStream> r = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertEquals(Optional.of("text/event-stream"), r.headers().firstValue("Content-Type"));
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertEquals("event: first", lines.readLine());
      assertEquals(1, upstreamDone.getCount(), "the first event arrived before the upstream finished");
      firstEventRead.countDown();
      assertEquals("data: {}", lines.readLine());
      assertEquals("", lines.readLine());
      assertEquals("event: last", lines.readLine());
      assertEquals(0, upstreamDone.getCount());
    }
  }
}

package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.server.config.CorsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the HTTP layer answers by itself, on a real server: HEAD on GET routes, OPTIONS and CORS
 * (off by default; on for configured origins), query parameters a route does not take, and the
 * W3C trace headers in and out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeTest {

  static final String APP = "https://app.example.com";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  final HttpClient client = HttpClient.newHttpClient();
  TestApi plain;
  TestApi withCors;
  String key;
  String corsKey;

  @BeforeAll
  void start() throws Exception {
    plain = TestApi.start();
    withCors = TestApi.start(c -> c.withCors(new CorsConfig(List.of(APP, "http://localhost:3000"))));
    key = plain.tenantKey("acme", "ingest", "search");
    corsKey = withCors.tenantKey("acme", "ingest", "search");
    assertEquals(201, withCors.json("PUT", "/v1/collections/docs", corsKey, "{}").status());
  }

  @AfterAll
  void stop() throws Exception {
    plain.close();
    withCors.close();
  }

  private HttpResponse<String> send(TestApi api, String method, String path, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode problem(HttpResponse<String> r, int status, String code) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(Optional.of("application/json"), r.headers().firstValue("Content-Type"), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(code, body.get("code").asText(), r.body());
    assertEquals(r.headers().firstValue("X-Request-Id").orElseThrow(), body.get("request_id").asText());
    return body;
  }

  @Test
  void headIsServedByEveryGetRouteWithTheGetsStatusAndNoBody() throws Exception {
    HttpResponse<String> get = send(plain, "GET", "/healthz", Map.of(), null);
    HttpResponse<String> head = send(plain, "HEAD", "/healthz", Map.of(), null);
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    assertEquals(Optional.of(Integer.toString(get.body().length())), head.headers().firstValue("Content-Length"));
    assertTrue(head.headers().firstValue("X-Request-Id").isPresent());
    HttpResponse<String> list = send(plain, "HEAD", "/v1/collections", Map.of("Authorization", "Bearer " + key), null);
    assertEquals(200, list.statusCode());
    assertEquals(401, send(plain, "HEAD", "/v1/collections", Map.of(), null).statusCode(), "HEAD needs the GET's key");
    HttpResponse<String> wrong = send(plain, "PATCH", "/healthz", Map.of(), null);
    problem(wrong, 405, "method_not_allowed");
    assertEquals(Optional.of("GET, HEAD, OPTIONS"), wrong.headers().firstValue("Allow"));
  }

  @Test
  void optionsAnswersTheMethodsOfAPathAndCorsIsOffByDefault() throws Exception {
    HttpResponse<String> options = send(plain, "OPTIONS", "/v1/collections/docs", Map.of(), null);
    assertEquals(204, options.statusCode(), options.body());
    assertEquals(Optional.of("DELETE, GET, HEAD, OPTIONS, PUT"), options.headers().firstValue("Allow"));
    assertEquals("", options.body());
    JsonNode refused = problem(send(plain, "OPTIONS", "/v1/collections", Map.of("Origin", APP,
        "Access-Control-Request-Method", "GET"), null), 403, "forbidden");
    assertTrue(refused.get("message").asText().contains("cors.allowed_origins"), refused.toString());
    HttpResponse<String> get = send(plain, "GET", "/v1/collections", Map.of("Origin", APP, "Authorization", "Bearer " + key), null);
    assertEquals(200, get.statusCode());
    assertTrue(get.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "CORS is off: " + get.headers());
    problem(send(plain, "OPTIONS", "/v1/nothing", Map.of(), null), 404, "not_found");
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredAndItsResponsesCarryCorsHeaders() throws Exception {
    HttpResponse<String> pre = send(withCors, "OPTIONS", "/v1/collections/docs/search", Map.of("Origin", APP,
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type, traceparent"),
        null);
    assertEquals(204, pre.statusCode(), pre.body());
    assertEquals(Optional.of(APP), pre.headers().firstValue("Access-Control-Allow-Origin"));
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
    String allowedHeaders = pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow();
    for (String h : List.of("authorization", "content-type", "traceparent", "idempotency-key", "if-match")) {
      assertTrue(allowedHeaders.contains(h), allowedHeaders);
    }
    assertEquals(Optional.of("600"), pre.headers().firstValue("Access-Control-Max-Age"));
    assertTrue(pre.headers().allValues("Vary").contains("Origin"), pre.headers().toString());
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Credentials").isEmpty(), "never credentials");

    HttpResponse<String> search = send(withCors, "POST", "/v1/collections/docs/search", Map.of("Origin", APP,
        "Authorization", "Bearer " + corsKey, "Content-Type", "application/json"), "{\"query\":\"x\"}");
    assertEquals(200, search.statusCode(), search.body());
    assertEquals(Optional.of(APP), search.headers().firstValue("Access-Control-Allow-Origin"));
    assertTrue(search.headers().firstValue("Access-Control-Expose-Headers").orElseThrow().contains("X-Request-Id"));
    HttpResponse<String> unauthenticated = send(withCors, "GET", "/v1/collections", Map.of("Origin", APP), null);
    problem(unauthenticated, 401, "unauthenticated");
    assertEquals(Optional.of(APP), unauthenticated.headers().firstValue("Access-Control-Allow-Origin"),
        "a page can read the error too");
  }

  @Test
  void otherOriginsMethodsAndHeadersAreRefusedWithTheReason() throws Exception {
    JsonNode origin = problem(send(withCors, "OPTIONS", "/v1/collections", Map.of("Origin", "https://evil.example",
        "Access-Control-Request-Method", "GET"), null), 403, "forbidden");
    assertTrue(origin.get("message").asText().contains("'https://evil.example'"), origin.toString());
    JsonNode method = problem(send(withCors, "OPTIONS", "/v1/collections", Map.of("Origin", APP,
        "Access-Control-Request-Method", "DELETE"), null), 403, "forbidden");
    assertTrue(method.get("message").asText().contains("'DELETE'"), method.toString());
    JsonNode header = problem(send(withCors, "OPTIONS", "/v1/collections", Map.of("Origin", APP,
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-secret"), null), 403, "forbidden");
    assertTrue(header.get("message").asText().contains("x-secret"), header.toString());
    HttpResponse<String> get = send(withCors, "GET", "/v1/collections", Map.of("Origin", "https://evil.example",
        "Authorization", "Bearer " + corsKey), null);
    assertEquals(200, get.statusCode());
    assertTrue(get.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), get.headers().toString());
  }

  @Test
  void aQueryParameterTheRouteDoesNotTakeIsRefusedByName() throws Exception {
    JsonNode typo = problem(send(plain, "GET", "/v1/collections?limt=5", Map.of("Authorization", "Bearer " + key), null),
        400, "invalid_input");
    assertEquals("limt", typo.get("details").get("parameter").asText(), typo.toString());
    assertTrue(typo.get("message").asText().contains("unknown query parameter 'limt'"), typo.toString());
    JsonNode none = problem(send(plain, "GET", "/healthz?verbose=1", Map.of(), null), 400, "invalid_input");
    assertTrue(none.get("message").asText().contains("takes none"), none.toString());
    JsonNode badEscape = problem(send(plain, "GET", "/v1/jobs?cursor=%C3", Map.of("Authorization", "Bearer " + key), null),
        400, "invalid_input");
    assertTrue(badEscape.get("message").asText().contains("UTF-8"), badEscape.toString());
  }

  @Test
  void tracestateIsKeptWithTheCallersTraceAndDroppedWithANewOne() throws Exception {
    HttpResponse<String> r = send(plain, "GET", "/healthz", Map.of("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01",
        "tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"), null);
    String parent = r.headers().firstValue("traceparent").orElseThrow();
    assertTrue(parent.startsWith("00-" + TRACE + "-") && parent.endsWith("-01"), parent);
    assertEquals(Optional.of("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"), r.headers().firstValue("tracestate"));
    HttpResponse<String> fresh = send(plain, "GET", "/healthz", Map.of("traceparent", "garbage",
        "tracestate", "congo=t61rcWkgMzE"), null);
    assertFalse(fresh.headers().firstValue("traceparent").orElseThrow().contains(TRACE));
    assertTrue(fresh.headers().firstValue("tracestate").isEmpty(), "a new trace has no caller's state");
  }
}

package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests the HTTP layer itself refuses, sent on raw sockets because the JDK's HttpClient will
 * not send them: each answer is JSON in Quarry's error shape, with a request id and a message that
 * says what was wrong (issue 7, item 6: the JDK server answered these with an HTML page).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest {

  TestApi api;
  String key;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
    key = api.tenantKey("acme", "ingest", "search");
    assertEquals(201, api.json("PUT", "/v1/collections/docs", key, "{}").status());
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private RawHttp.Reply send(String request) throws Exception {
    try (RawHttp http = new RawHttp(api.port())) {
      return http.exchange(request);
    }
  }

  /** Asserts a JSON error: status, content type, code, a message containing {@code says}, a request id. */
  private static JsonNode problem(RawHttp.Reply r, int status, String code, String says) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertEquals(Optional.of("application/json"), r.header("Content-Type"), r.body());
    JsonNode body = r.json();
    assertEquals(code, body.path("code").asText(), r.body());
    assertTrue(body.path("message").asText().contains(says), r.body());
    assertFalse(body.path("retryable").asBoolean(), r.body());
    assertTrue(body.path("details").isObject(), r.body());
    assertEquals(r.header("X-Request-Id").orElseThrow(), body.path("request_id").asText(), r.body());
    return body;
  }

  private String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
        + "\r\nConnection: close\r\n\r\n";
  }

  @Test
  void malformedPercentEncodingInThePathIsJsonNamingIt() throws Exception {
    problem(send(get("/v1/collections/docs/documents/%zz")), 400, "invalid_input",
        "invalid percent-encoding in the request's path: every '%' must start two hex digits");
    problem(send(get("/v1/collections/docs/documents/%")), 400, "invalid_input",
        "invalid percent-encoding in the request's path");
  }

  @Test
  void malformedPercentEncodingInTheQueryIsJsonNamingIt() throws Exception {
    problem(send(get("/v1/collections/docs/documents?cursor=%%%")), 400, "invalid_input",
        "invalid percent-encoding in '%%%'");
    problem(send(get("/v1/collections/docs/documents?%zz=1")), 400, "invalid_input",
        "invalid percent-encoding in '%zz'");
  }

  @Test
  void percentEncodingThatIsNotUtf8IsJsonNamingIt() throws Exception {
    problem(send(get("/v1/collections/docs/documents/%C3%28")), 400, "invalid_input", "not valid UTF-8");
  }

  @Test
  void illegalCharactersInTheTargetAreJson() throws Exception {
    problem(send("GET /v1/collections/do\u0001cs HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "invalid_input",
        "not valid HTTP/1.1");
    problem(send("GET /v1/collections/a b/documents HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "invalid_input",
        "not valid HTTP/1.1");
  }

  @Test
  void malformedHeadersAreJson() throws Exception {
    problem(send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n"), 400, "invalid_input",
        "not valid HTTP/1.1");
    problem(send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Spaced : before the colon\r\n\r\n"), 400,
        "invalid_input", "not valid HTTP/1.1");
    problem(send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: ten\r\n\r\n"), 400,
        "invalid_input", "not valid HTTP/1.1");
  }

  @Test
  void oversizedHeadersAreJson() throws Exception {
    String big = "x".repeat(70 * 1024);
    problem(send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big + "\r\n\r\n"), 431, "headers_too_large",
        "exceed the limit of 65536 bytes");
    problem(send("GET /healthz?q=" + big + " HTTP/1.1\r\nHost: localhost\r\n\r\n"), 414, "uri_too_long",
        "exceeds the limit of 65536 bytes");
  }

  @Test
  void anUnknownHttpVersionIsJson() throws Exception {
    RawHttp.Reply r = send("GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n");
    assertTrue(r.status() == 400 || r.status() == 505, r.body());
    problem(r, r.status(), r.status() == 400 ? "invalid_input" : "http_version_not_supported", "HTTP/1");
  }

  @Test
  void anUnsupportedMethodIsJsonWithAllow() throws Exception {
    RawHttp.Reply r = send("BREW /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    problem(r, 405, "method_not_allowed", "BREW is not allowed here");
    assertEquals(Optional.of("GET, HEAD, OPTIONS"), r.header("Allow"));
    problem(send("GE(T /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "invalid_input", "not valid HTTP/1.1");
    problem(send("POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        405, "method_not_allowed", "POST is not allowed here; allowed: GET, HEAD");
    problem(send(get("/metrics/more")), 404, "not_found", "no route for GET /metrics/more");
  }

  @Test
  void aBodyOverTheLimitIsJson() throws Exception {
    long limit = ServerConfig.defaults(api.dataDir()).limits().maxBodyBytes();
    String head = "POST /v1/collections/docs/search HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
        + "\r\nContent-Type: application/json\r\nContent-Length: " + (limit + 1) + "\r\n\r\n";
    try (RawHttp http = new RawHttp(api.port())) {
      problem(http.exchange(head + "{\"query\": \"" + "a".repeat((int) limit - 12) + "\"}"), 413, "payload_too_large",
          "the body exceeds the limit");
    }
  }

  @Test
  void aRequestLeftUnreadKeepsTheConnectionAlive() throws Exception {
    try (RawHttp http = new RawHttp(api.port())) {
      String body = "{\"unread\": \"" + "b".repeat(20_000) + "\"}";
      RawHttp.Reply first = http.exchange("POST /v1/nothing-here HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      problem(first, 404, "not_found", "no route for POST /v1/nothing-here");
      RawHttp.Reply second = http.exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertEquals(200, second.status(), second.body());
      assertEquals(Optional.of("application/json"), second.header("Content-Type"));
    }
  }
}

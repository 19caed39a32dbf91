package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.server.observe.Tracing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** A real server on a loopback port with a temporary data directory, and a small client for it. */
public final class TestApi implements AutoCloseable {

  public static final String ADMIN = "test-admin-key-0123456789-abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private final Path dataDir;
  private ServerConfig config;
  private final Clock clock;
  private QuarryServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  private TestApi(Path dataDir, ServerConfig config, Clock clock, QuarryServer server) {
    this.dataDir = dataDir;
    this.config = config;
    this.clock = clock;
    this.server = server;
  }

  public static TestApi start() throws IOException {
    return start(UnaryOperator.identity());
  }

  /** A server on the default test configuration changed by {@code configure}. */
  public static TestApi start(UnaryOperator<ServerConfig> configure) throws IOException {
    return start(Clock.systemUTC(), configure);
  }

  /** A server whose time is {@code clock}, on the default test configuration changed by {@code configure}. */
  public static TestApi start(Clock clock, UnaryOperator<ServerConfig> configure) throws IOException {
    Path dir = Files.createTempDirectory("quarry-server-test");
    ServerConfig config = configure.apply(ServerConfig.defaults(dir).withPort(0).withAdminKey(Optional.of(ADMIN)));
    return new TestApi(dir, config, clock, QuarryServer.start(config, clock, System.err));
  }

  /** A server that traces with {@code tracing} (and closes it). */
  public static TestApi start(Tracing tracing) throws IOException {
    Path dir = Files.createTempDirectory("quarry-server-test");
    ServerConfig config = ServerConfig.defaults(dir).withPort(0).withAdminKey(Optional.of(ADMIN));
    return new TestApi(dir, config, Clock.systemUTC(), QuarryServer.start(config, tracing, System.err));
  }

  /** Closes the server and starts a new one on the same data directory (and a new port). */
  public void restart() {
    server.close();
    server = QuarryServer.start(config, clock, System.err);
  }

  /** Closes the server and starts a new one on the same data directory with its configuration changed by {@code change}. */
  public void restart(UnaryOperator<ServerConfig> change) {
    server.close();
    config = change.apply(config);
    server = QuarryServer.start(config, clock, System.err);
  }

  /** The port the server listens on (loopback). */
  public int port() {
    return server.port();
  }

  /** The text of {@code GET /metrics}. */
  public String metrics() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  /** A new tenant and a key for it with the given scopes. */
  public String tenantKey(String tenant, String... scopes) throws Exception {
    assertEquals(201, call("POST", "/v1/tenants", ADMIN, "application/json", "{\"id\":\"" + tenant + "\"}").status());
    return key(tenant, scopes);
  }

  /** Another key, made by the operator, for an existing tenant. */
  public String key(String tenant, String... scopes) throws Exception {
    return issueKey(tenant, scopes).get("key").asText();
  }

  /** A key made by the operator for an existing tenant: the create response (`key`, `id`, ...). */
  public JsonNode issueKey(String tenant, String... scopes) throws Exception {
    String list = String.join(",", java.util.Arrays.stream(scopes).map(s -> "\"" + s + "\"").toList());
    Reply k = call("POST", "/v1/tenants/" + tenant + "/keys", ADMIN, "application/json", "{\"scopes\":[" + list + "]}");
    assertEquals(201, k.status(), k.body().toString());
    return k.body();
  }

  public Reply json(String method, String path, String key, String body) throws Exception {
    return call(method, path, key, body == null ? null : "application/json", body);
  }

  public Reply call(String method, String path, String key, String contentType, String body) throws Exception {
    return call(method, path, key, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public Reply call(String method, String path, String key, String contentType, byte[] body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofMinutes(2));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    headers.forEach(b::header);
    if (body != null) {
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(r.body());
    String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
    if (!json.has("jsonrpc")) { // a JSON-RPC message (/mcp) has its id in the header only
      assertEquals(requestId, json.get("request_id").asText());
    }
    return new Reply(r.statusCode(), json, r);
  }

  /** A served document (such as /v1/openapi.json) that carries no request id in its body. */
  public JsonNode document(String path) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** Document ids of a search's hits. */
  public List<String> search(String key, String collection, String body) throws Exception {
    Reply r = json("POST", "/v1/collections/" + collection + "/search", key, body);
    assertEquals(200, r.status(), r.body().toString());
    List<String> ids = new ArrayList<>();
    r.body().get("hits").forEach(h -> ids.add(h.get("id").asText()));
    return ids;
  }

  /** Polls {@code path} until {@code done} holds for its body, or fails after {@code timeout}. */
  public JsonNode awaitBody(String path, String key, Predicate<JsonNode> done, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      Reply r = json("GET", path, key, null);
      last = r.body();
      if (r.status() == 200 && done.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + timeout + " waiting on " + path + "; last: " + last);
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (var files = Files.walk(dataDir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

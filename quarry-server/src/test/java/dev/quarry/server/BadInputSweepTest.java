package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.PlaintextKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.Tenant;
import dev.quarry.store.tenant.TenantId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Sends the server every kind of bad request a client can make (malformed JSON, wrong content types,
 * oversize bodies, invalid UTF-8, deep nesting, unknown fields, wrong types, unknown collections,
 * bad keys and scopes, bad path ids) and checks that each gets its 4xx in the one error shape with
 * a message saying what was wrong and where; then that the server is still healthy and that nothing
 * stored changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputSweepTest {

  static final String ADMIN = "sweep-admin-key-0123456789-abcdef";
  static final int MAX_BODY = 64 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SEARCH = "/v1/collections/docs/search";
  static final String GOOD_SEARCH = "{\"query\":\"lighthouse keeper\",\"mode\":\"hybrid\",\"k\":3}";

  Path dataDir;
  QuarryServer server;
  final HttpClient client = HttpClient.newHttpClient();
  String acme;
  String acmeSearchOnly;
  String acmeIngestOnly;
  String globex;
  String globexAdmin;
  String acmeKeyId;
  String revoked;
  String expired;

  /**
   * One bad request and what it must get. {@code code} empty: the JDK's HTTP server answers by
   * itself, before any handler runs, so only the status is checked.
   */
  record Probe(String name, Call call, int status, String code, List<String> mentions) {}

  /** A response as the checks read it. */
  record Answer(int status, Optional<String> contentType, Optional<String> requestId, String body) {}

  /** Sends one request. */
  interface Call {
    Answer send() throws Exception;
  }

  /** What the sweep must leave unchanged. */
  record Snapshot(List<String> tenants, Map<String, Integer> keysPerTenant, JsonNode acmeCollections,
      JsonNode globexCollections, JsonNode search, JsonNode acmeDocuments, JsonNode globexDocuments) {}

  @BeforeAll
  void start() throws Exception {
    dataDir = Files.createTempDirectory("quarry-sweep");
    ServerConfig config = ServerConfig.defaults(dataDir).withPort(0)
        .withLimits(new ServerConfig.Limits(MAX_BODY, 50, 500, 3))
        .withAdminKey(Optional.of(ADMIN));
    server = QuarryServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    ok(send("POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}"));
    ok(send("POST", "/v1/tenants", ADMIN, "{\"id\":\"globex\"}"));
    acme = key("acme", "[\"ingest\",\"search\"]");
    acmeSearchOnly = key("acme", "[\"search\"]");
    acmeIngestOnly = key("acme", "[\"ingest\"]");
    globex = key("globex", "[\"ingest\",\"search\"]");
    globexAdmin = key("globex", "[\"admin\"]");
    acmeKeyId = PlaintextKey.parse(acme).id();
    ok(send("PUT", "/v1/collections/docs", acme, "{}"));
    ok(send("PUT", "/v1/collections/docs/documents/d1", acme,
        "{\"title\":\"Lighthouses\",\"text\":\"The lighthouse keeper lit the lamp at dusk.\",\"metadata\":{\"lang\":\"en\",\"year\":2020}}"));
    ok(send("PUT", "/v1/collections/docs/documents/d2", acme,
        "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter of flour and water.\",\"metadata\":{\"lang\":\"en\"}}"));
    ok(send("PUT", "/v1/collections/notes", globex, "{}"));
    ok(send("PUT", "/v1/collections/notes/documents/n1", globex, "{\"text\":\"Globex keeps its own notes.\"}"));
    // a revoked key, and one that expired: made beside the server, on its store
    TenantId tenant = TenantId.of("acme");
    try (Store side = SqliteStore.open(SqliteSettings.in(dataDir), StoreOptions.defaults())) {
      IssuedKey r = side.apiKeys().create(tenant, Set.of(Scope.SEARCH, Scope.INGEST), Optional.empty());
      side.apiKeys().revoke(tenant, r.key().id());
      revoked = r.plaintext();
    }
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    try (Store past = SqliteStore.open(SqliteSettings.in(dataDir),
        StoreOptions.defaults().withClock(Clock.fixed(hourAgo, ZoneOffset.UTC)))) {
      expired = past.apiKeys().create(tenant, Set.of(Scope.SEARCH, Scope.INGEST),
          Optional.of(hourAgo.plus(Duration.ofMinutes(1)))).plaintext();
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    try (var files = Files.walk(dataDir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void everyBadRequestGetsItsClientErrorAndNothingStoredChanges() throws Exception {
    Snapshot before = snapshot();
    List<Probe> probes = probes();
    List<Executable> checks = new ArrayList<>();
    for (Probe p : probes) {
      Answer a = p.call().send();
      checks.add(() -> checkProblem(p, a));
    }
    assertAll("bad requests", checks.stream());
    assertTrue(probes.size() >= 60, "the sweep covers every kind: " + probes.size());

    HttpResponse<String> health = send("GET", "/healthz", null, null);
    assertEquals(200, health.statusCode(), health.body());
    assertEquals(200, send("GET", "/readyz", null, null).statusCode());
    assertEquals(before, snapshot(), "the sweep changed nothing stored");
  }

  /** The OpenAI-compatible routes refuse bad bodies too, in OpenAI's error shape, naming the field. */
  @Test
  void theOpenAiCompatibleRoutesRefuseBadBodiesInOpenAisShape() throws Exception {
    Snapshot before = snapshot();
    String chat = "/v1/chat/completions";
    record OpenAiProbe(String name, HttpRequest request, int status, String code, String param) {}
    List<OpenAiProbe> probes = List.of(
        new OpenAiProbe("malformed JSON", post(chat, acme, "{\"model\":"), 400, "invalid_input", null),
        new OpenAiProbe("no model", post(chat, acme, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 400,
            "invalid_input", "model"),
        new OpenAiProbe("a model as a number", post(chat, acme, "{\"model\":5,\"messages\":[]}"), 400, "invalid_input",
            "model"),
        new OpenAiProbe("no messages", post(chat, acme, "{\"model\":\"rag/docs\"}"), 400, "invalid_input", "messages"),
        new OpenAiProbe("an unknown role", post(chat, acme, "{\"model\":\"rag/docs\",\"messages\":[{\"role\":\"robot\","
            + "\"content\":\"q\"}]}"), 400, "invalid_input", "messages.0.role"),
        new OpenAiProbe("an image part", post(chat, acme, "{\"model\":\"rag/docs\",\"messages\":[{\"role\":\"user\","
            + "\"content\":[{\"type\":\"image_url\"}]}]}"), 400, "invalid_input", "messages.0.content"),
        new OpenAiProbe("a temperature of 3", post(chat, acme, "{\"model\":\"rag/docs\",\"temperature\":3,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 400, "invalid_input", "temperature"),
        new OpenAiProbe("max_tokens of 0", post(chat, acme, "{\"model\":\"rag/docs\",\"max_tokens\":0,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 400, "invalid_input", "max_tokens"),
        new OpenAiProbe("an assistant message last", post(chat, acme, "{\"model\":\"rag/docs\","
            + "\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"}]}"), 400, "invalid_input", "messages.0"),
        new OpenAiProbe("an unknown model", post(chat, acme, "{\"model\":\"rag/nope\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 404, "model_not_found", "model"),
        new OpenAiProbe("embeddings without input", post("/v1/embeddings", acme, "{\"model\":\"docs\"}"), 400,
            "invalid_input", "input"),
        new OpenAiProbe("embeddings of token arrays", post("/v1/embeddings", acme, "{\"model\":\"docs\",\"input\":[[1,2]]}"),
            400, "invalid_input", "input.0"),
        new OpenAiProbe("an unknown encoding", post("/v1/embeddings", acme, "{\"model\":\"docs\",\"input\":\"x\","
            + "\"encoding_format\":\"hex\"}"), 400, "invalid_input", "encoding_format"),
        new OpenAiProbe("embeddings of no model", post("/v1/embeddings", acme, "{\"model\":\"no-such-model\",\"input\":\"x\"}"),
            404, "model_not_found", "model"),
        new OpenAiProbe("a wrong key", post(chat, "qk_wrong", "{}"), 401, "unauthenticated", null));
    List<Executable> checks = new ArrayList<>();
    for (OpenAiProbe p : probes) {
      HttpResponse<String> r = client.send(p.request(), HttpResponse.BodyHandlers.ofString());
      checks.add(() -> {
        String what = p.name() + " -> " + r.statusCode() + " " + r.body();
        assertEquals(p.status(), r.statusCode(), what);
        JsonNode body = JSON.readTree(r.body());
        Set<String> fields = new TreeSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(new TreeSet<>(List.of("error", "request_id")), fields, what);
        JsonNode e = body.get("error");
        assertEquals(p.code(), e.get("code").asText(), what);
        assertEquals(p.status() == 401 ? "authentication_error" : "invalid_request_error", e.get("type").asText(), what);
        assertEquals(p.param() == null ? null : p.param(), e.get("param").isNull() ? null : e.get("param").asText(), what);
        assertFalse(e.get("message").asText().isBlank(), what);
      });
    }
    assertAll("bad OpenAI-compatible requests", checks.stream());
    assertEquals(before, snapshot(), "the sweep changed nothing stored");
  }

  private void checkProblem(Probe p, Answer r) throws Exception {
    String what = p.name() + " -> " + r.status() + " " + r.body();
    assertEquals(p.status(), r.status(), what);
    if (p.code().isEmpty()) {
      return;
    }
    assertEquals(Optional.of("application/json"), r.contentType(), what);
    JsonNode body = JSON.readTree(r.body());
    Set<String> fields = new TreeSet<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertEquals(new TreeSet<>(List.of("code", "message", "retryable", "details", "request_id")), fields, what);
    assertEquals(p.code(), body.get("code").asText(), what);
    assertTrue(body.get("retryable").isBoolean() && !body.get("retryable").asBoolean(), what);
    assertTrue(body.get("details").isObject(), what);
    assertEquals(r.requestId().orElseThrow(), body.get("request_id").asText(), what);
    String message = body.get("message").asText();
    assertFalse(message.isBlank(), what);
    for (String m : p.mentions()) {
      assertTrue(message.contains(m), p.name() + ": the message names '" + m + "': " + message);
    }
  }

  private List<Probe> probes() {
    List<Probe> out = new ArrayList<>();
    // malformed JSON
    out.add(bad("truncated JSON", post(SEARCH, acme, "{\"query\": "), 400, "invalid_input", "malformed JSON", "line 1, column"));
    out.add(bad("trailing comma", post(SEARCH, acme, "{\"query\":\"x\",}"), 400, "invalid_input", "malformed JSON", "line 1, column"));
    out.add(bad("not JSON at all", post(SEARCH, acme, "query=lighthouse"), 400, "invalid_input", "malformed JSON"));
    out.add(bad("a second value after the body", post(SEARCH, acme, "{\"query\":\"x\"} {\"k\":1}"), 400, "invalid_input",
        "after the JSON value", "line 1, column 15"));
    out.add(bad("whitespace only", post(SEARCH, acme, "  \n "), 400, "invalid_input", "no JSON value"));
    out.add(bad("a duplicate field", post(SEARCH, acme, "{\"query\":\"a\",\"query\":\"b\"}"), 400, "invalid_input",
        "Duplicate field 'query'"));
    out.add(bad("an unescaped newline in a string", post(SEARCH, acme, "{\"query\":\"a\nb\"}"), 400, "invalid_input",
        "malformed JSON", "line 1, column"));
    out.add(bad("null instead of an object", post(SEARCH, acme, "null"), 400, "invalid_input", "expected a JSON object"));
    out.add(bad("an array instead of an object", post(SEARCH, acme, "[1]"), 400, "invalid_input", "the body"));
    out.add(bad("a malformed tenant body", post("/v1/tenants", ADMIN, "{\"id\":"), 400, "invalid_input", "malformed JSON"));
    // content types
    out.add(bad("text/plain", request("POST", SEARCH, acme, Optional.of("text/plain"), utf8(GOOD_SEARCH)), 415,
        "unsupported_media_type", "application/json", "text/plain"));
    out.add(bad("no Content-Type", request("POST", SEARCH, acme, Optional.empty(), utf8(GOOD_SEARCH)), 415,
        "unsupported_media_type", "no Content-Type"));
    out.add(bad("a Latin-1 charset", request("POST", SEARCH, acme, Optional.of("application/json; charset=iso-8859-1"),
        utf8(GOOD_SEARCH)), 415, "unsupported_media_type", "UTF-8"));
    out.add(bad("form data", request("PUT", "/v1/collections/docs/documents/d9", acme,
        Optional.of("application/x-www-form-urlencoded"), utf8("text=hello")), 415, "unsupported_media_type", "application/json"));
    out.add(bad("application/jsonl", request("POST", SEARCH, acme, Optional.of("application/jsonl"), utf8(GOOD_SEARCH)), 415,
        "unsupported_media_type", "application/jsonl"));
    // oversize bodies
    String huge = "{\"text\":\"" + "word ".repeat(MAX_BODY / 4) + "\"}";
    out.add(bad("an oversize document", put("/v1/collections/docs/documents/big", acme, huge), 413, "payload_too_large",
        String.valueOf(MAX_BODY)));
    out.add(bad("an oversize search", post(SEARCH, acme, "{\"query\":\"" + "q".repeat(MAX_BODY) + "\"}"), 413,
        "payload_too_large", String.valueOf(MAX_BODY)));
    out.add(bad("an oversize chunked body", HttpRequest.newBuilder(uri("/v1/collections/docs/documents/big"))
        .header("Authorization", "Bearer " + acme).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(utf8(huge)))).build(),
        413, "payload_too_large", String.valueOf(MAX_BODY)));
    out.add(bad("an oversize tenant body", post("/v1/tenants", ADMIN, "{\"id\":\"" + "a".repeat(MAX_BODY) + "\"}"), 413,
        "payload_too_large", "limit"));
    // invalid UTF-8
    out.add(bad("a truncated UTF-8 sequence in a string", raw("POST", SEARCH, acme, bytes("{\"query\":\"caf", 0xC3, "\"}")),
        400, "invalid_input", "UTF-8", "byte offset 13"));
    out.add(bad("an invalid UTF-8 byte in a field name", raw("POST", SEARCH, acme, bytes("{\"qu", 0xFF, "ery\":\"x\"}")),
        400, "invalid_input", "UTF-8", "byte offset 4"));
    out.add(bad("an overlong UTF-8 encoding", raw("POST", SEARCH, acme, bytes("{\"query\":\"", 0xC0, 0xAF, "\"}")),
        400, "invalid_input", "UTF-8", "byte offset 10"));
    out.add(bad("a UTF-8 encoded surrogate", raw("PUT", "/v1/collections/docs/documents/d9", acme,
        bytes("{\"text\":\"", 0xED, 0xA0, 0x80, "\"}")), 400, "invalid_input", "UTF-8", "byte offset 9"));
    out.add(bad("a UTF-16 body", raw("POST", SEARCH, acme, GOOD_SEARCH.getBytes(StandardCharsets.UTF_16LE)),
        400, "invalid_input"));
    // deep nesting
    out.add(bad("a filter one level too deep", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"all_of\":[{\"any_of\":[{\"all_of\":[{\"term\":{\"field\":\"a\",\"value\":\"b\"}}]}]}]}}"),
        400, "invalid_input", "deeper than the limit of 3", "/filter/all_of/0/any_of/0/all_of/0"));
    out.add(bad("a filter nested 2000 deep", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":" + "{\"all_of\":[".repeat(2000) + "{}" + "]}".repeat(2000) + "}"),
        400, "invalid_input", "nesting depth"));
    out.add(bad("arrays nested 3000 deep in metadata", put("/v1/collections/docs/documents/d9", acme,
        "{\"text\":\"t\",\"metadata\":{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}}"), 400, "invalid_input", "nesting depth"));
    out.add(bad("nested metadata", put("/v1/collections/docs/documents/d9", acme,
        "{\"text\":\"t\",\"metadata\":{\"a\":{\"b\":1}}}"), 400, "invalid_input", "/metadata/a"));
    // unknown fields
    out.add(bad("an unknown search field", post(SEARCH, acme, "{\"query\":\"x\",\"tenant\":\"globex\"}"), 400,
        "invalid_input", "unknown field 'tenant'", "/tenant"));
    out.add(bad("an unknown document field", put("/v1/collections/docs/documents/d9", acme, "{\"text\":\"t\",\"body\":\"b\"}"),
        400, "invalid_input", "unknown field 'body'", "/body"));
    out.add(bad("an unknown chunker field", put("/v1/collections/fresh", acme, "{\"chunker\":{\"size\":5}}"), 400,
        "invalid_input", "unknown field 'size'", "/chunker/size"));
    out.add(bad("an unknown tenant field", post("/v1/tenants", ADMIN, "{\"id\":\"initech\",\"name\":\"Initech\"}"), 400,
        "invalid_input", "/name"));
    out.add(bad("an unknown key field", post("/v1/tenants/acme/keys", ADMIN, "{\"scopes\":[\"search\"],\"expires\":1}"), 400,
        "invalid_input", "/expires"));
    out.add(bad("an unknown filter", post(SEARCH, acme, "{\"query\":\"x\",\"filter\":{\"regex\":{\"field\":\"a\"}}}"), 400,
        "invalid_input", "unknown filter 'regex'", "/filter/regex"));
    // wrong types and values
    out.add(bad("k as a string", post(SEARCH, acme, "{\"query\":\"x\",\"k\":\"5\"}"), 400, "invalid_input", "/k", "integer"));
    out.add(bad("k as a fraction", post(SEARCH, acme, "{\"query\":\"x\",\"k\":1.5}"), 400, "invalid_input", "/k"));
    out.add(bad("k beyond an int", post(SEARCH, acme, "{\"query\":\"x\",\"k\":99999999999}"), 400, "invalid_input", "/k"));
    out.add(bad("k over the limit", post(SEARCH, acme, "{\"query\":\"x\",\"k\":51}"), 400, "invalid_input", "/k", "1..50"));
    out.add(bad("k zero", post(SEARCH, acme, "{\"query\":\"x\",\"k\":0}"), 400, "invalid_input", "/k"));
    out.add(bad("a negative offset", post(SEARCH, acme, "{\"query\":\"x\",\"offset\":-1}"), 400, "invalid_input", "/offset"));
    out.add(bad("query as a number", post(SEARCH, acme, "{\"query\":5}"), 400, "invalid_input", "/query", "string"));
    out.add(bad("no query", post(SEARCH, acme, "{}"), 400, "invalid_input", "/query"));
    out.add(bad("a query over the limit", post(SEARCH, acme, "{\"query\":\"" + "q".repeat(501) + "\"}"), 400,
        "invalid_input", "/query", "500"));
    out.add(bad("an unknown mode", post(SEARCH, acme, "{\"query\":\"x\",\"mode\":\"psychic\"}"), 400, "invalid_input",
        "/mode", "lexical"));
    out.add(bad("explain as text", post(SEARCH, acme, "{\"query\":\"x\",\"explain\":\"yes\"}"), 400, "invalid_input", "/explain"));
    out.add(bad("a filter as text", post(SEARCH, acme, "{\"query\":\"x\",\"filter\":\"lang=en\"}"), 400, "invalid_input", "/filter"));
    out.add(bad("a range over text", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"range\":{\"field\":\"year\",\"gte\":\"last week\"}}}"), 400, "invalid_input", "/filter/range/gte"));
    // numeric filters and erasures: a value that cannot be matched is refused, saying why, never matched silently
    out.add(bad("a range bound that is a quoted number", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"range\":{\"field\":\"year\",\"gte\":\"2020\"}}}"), 400, "invalid_input",
        "/filter/range/gte", "without quotes"));
    out.add(bad("a term value that is a list", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"term\":{\"field\":\"year\",\"value\":[2020]}}}"), 400, "invalid_input",
        "/filter/term/value", "string, number or boolean"));
    out.add(bad("a null term value", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"term\":{\"field\":\"year\",\"value\":null}}}"), 400, "invalid_input",
        "/filter/term/value"));
    out.add(bad("a term number beyond a double", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"term\":{\"field\":\"year\",\"value\":1e999}}}"), 400, "invalid_input",
        "/filter/term/value", "finite"));
    out.add(bad("an empty in", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"in\":{\"field\":\"year\",\"values\":[]}}}"), 400, "invalid_input",
        "/filter/in/values", "non-empty array"));
    out.add(bad("an in value that is an object", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"in\":{\"field\":\"year\",\"values\":[2020,{\"n\":1}]}}}"), 400, "invalid_input",
        "/filter/in/values/1"));
    out.add(bad("in with a single value", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"in\":{\"field\":\"year\",\"value\":2020}}}"), 400, "invalid_input",
        "/filter/in/value", "unknown field"));
    out.add(bad("not over a list", post(SEARCH, acme,
        "{\"query\":\"x\",\"filter\":{\"not\":[{\"term\":{\"field\":\"year\",\"value\":2020}}]}}"), 400, "invalid_input",
        "/filter/not"));
    out.add(bad("delete by an empty in", post("/v1/collections/docs/deletions", acme,
        "{\"filter\":{\"in\":{\"field\":\"year\",\"values\":[]}}}"), 400, "invalid_input", "/filter/in/values"));
    out.add(bad("delete by a quoted range bound", post("/v1/collections/docs/deletions", acme,
        "{\"filter\":{\"range\":{\"field\":\"year\",\"lt\":\"2021\"}}}"), 400, "invalid_input", "/filter/range/lt"));
    out.add(bad("a metadata number beyond a double", put("/v1/collections/docs/documents/d9", acme,
        "{\"text\":\"t\",\"metadata\":{\"year\":1e999}}"), 400, "invalid_input", "/metadata/year", "finite"));
    out.add(bad("an erasure value that is an object", post("/v1/erasures", acme, "{\"key\":\"uid\",\"value\":{\"id\":42}}"),
        400, "invalid_input", "/value", "string, number or boolean"));
    out.add(bad("an erasure value that is a list", post("/v1/erasures", acme, "{\"key\":\"uid\",\"value\":[42]}"),
        400, "invalid_input", "/value"));
    out.add(bad("a null erasure value", post("/v1/erasures", acme, "{\"key\":\"uid\",\"value\":null}"),
        400, "invalid_input", "/value"));
    out.add(bad("a blank erasure value", post("/v1/erasures", acme, "{\"key\":\"uid\",\"value\":\" \"}"),
        400, "invalid_input", "/value"));
    out.add(bad("an erasure number beyond a double", post("/v1/erasures", acme, "{\"key\":\"uid\",\"value\":1e999}"),
        400, "invalid_input", "/value", "finite"));
    out.add(bad("an erasure without a key", post("/v1/erasures", acme, "{\"value\":42}"), 400, "invalid_input", "/key"));
    out.add(bad("a vector weight out of range", post(SEARCH, acme, "{\"query\":\"x\",\"fusion\":\"weighted\",\"vector_weight\":7}"),
        400, "invalid_input", "/vector_weight"));
    out.add(bad("score completion with rrf fusion", post(SEARCH, acme, "{\"query\":\"x\",\"fusion\":\"rrf\",\"complete\":true}"),
        400, "invalid_input", "/complete", "weighted and dbsf fusion only"));
    out.add(bad("score completion that is not a boolean", post(SEARCH, acme, "{\"query\":\"x\",\"complete\":\"on\"}"),
        400, "invalid_input", "/complete"));
    out.add(bad("vector feedback with negative docs", post(SEARCH, acme, "{\"query\":\"x\",\"feedback\":{\"docs\":-2}}"),
        400, "invalid_input", "/feedback/docs", "docs must be in 0..100"));
    out.add(bad("vector feedback with weight 0", post(SEARCH, acme, "{\"query\":\"x\",\"feedback\":{\"weight\":0}}"),
        400, "invalid_input", "/feedback/weight", "weight must be in (0, 10]"));
    out.add(bad("document text as an object", put("/v1/collections/docs/documents/d9", acme, "{\"text\":{\"a\":1}}"), 400,
        "invalid_input", "/text"));
    out.add(bad("a document without text", put("/v1/collections/docs/documents/d9", acme, "{\"title\":\"t\"}"), 400,
        "invalid_input", "/text"));
    out.add(bad("metadata as a list", put("/v1/collections/docs/documents/d9", acme, "{\"text\":\"t\",\"metadata\":[1]}"), 400,
        "invalid_input", "/metadata"));
    out.add(bad("a null metadata value", put("/v1/collections/docs/documents/d9", acme, "{\"text\":\"t\",\"metadata\":{\"n\":null}}"),
        400, "invalid_input", "/metadata/n"));
    out.add(bad("chunker tokens as text", put("/v1/collections/fresh", acme, "{\"chunker\":{\"max_tokens\":\"big\"}}"), 400,
        "invalid_input", "/chunker/max_tokens"));
    out.add(bad("an unknown chunking strategy", put("/v1/collections/fresh", acme, "{\"chunker\":{\"strategy\":\"magic\"}}"), 400,
        "invalid_input", "/chunker/strategy"));
    // chat sessions
    out.add(bad("a chat user as a number", post("/v1/chat", acme, "{\"message\":\"q\",\"collections\":[\"docs\"],\"user\":5}"),
        400, "invalid_input", "/user"));
    out.add(bad("a blank chat user", post("/v1/chat", acme, "{\"message\":\"q\",\"collections\":[\"docs\"],\"user\":\" \"}"),
        400, "invalid_input", "/user"));
    out.add(bad("a blank session id", post("/v1/chat", acme,
        "{\"message\":\"q\",\"collections\":[\"docs\"],\"session_id\":\"\"}"), 400, "invalid_input", "/session_id"));
    out.add(bad("an unknown session", post("/v1/chat", acme,
        "{\"message\":\"q\",\"collections\":[\"docs\"],\"session_id\":\"nope\"}"), 404, "not_found", "'nope'"));
    out.add(bad("get no session", request("GET", "/v1/sessions/nope", acme, Optional.empty(), null), 404, "not_found", "'nope'"));
    out.add(bad("delete no session", request("DELETE", "/v1/sessions/nope", acme, Optional.empty(), null), 404, "not_found",
        "'nope'"));
    out.add(bad("sessions of a blank user", request("GET", "/v1/sessions?user=%20", acme, Optional.empty(), null), 400,
        "invalid_input", "user"));
    out.add(bad("a session page of 0", request("GET", "/v1/sessions?limit=0", acme, Optional.empty(), null), 400,
        "invalid_input", "limit"));
    // memories
    out.add(bad("a memory without a user", post("/v1/memories", acme, "{\"text\":\"t\"}"), 400, "invalid_input", "/user"));
    out.add(bad("a memory without text", post("/v1/memories", acme, "{\"user\":\"u\"}"), 400, "invalid_input", "/text"));
    out.add(bad("a blank memory", post("/v1/memories", acme, "{\"user\":\"u\",\"text\":\" \"}"), 400, "invalid_input",
        "/text"));
    out.add(bad("memory metadata as a list", post("/v1/memories", acme, "{\"user\":\"u\",\"text\":\"t\",\"metadata\":[1]}"),
        400, "invalid_input", "/metadata"));
    out.add(bad("memory text as a number", post("/v1/memories", acme, "{\"user\":\"u\",\"text\":5}"), 400, "invalid_input",
        "/text"));
    out.add(bad("get no memory", request("GET", "/v1/memories/nope", acme, Optional.empty(), null), 404, "not_found", "'nope'"));
    out.add(bad("delete no memory", request("DELETE", "/v1/memories/nope", acme, Optional.empty(), null), 404, "not_found",
        "'nope'"));
    out.add(bad("memories of a blank user", request("GET", "/v1/memories?user=%20", acme, Optional.empty(), null), 400,
        "invalid_input", "user"));
    out.add(bad("scopes as a string", post("/v1/tenants/acme/keys", ADMIN, "{\"scopes\":\"search\"}"), 400,
        "invalid_input", "/scopes"));
    out.add(bad("an unknown scope", post("/v1/tenants/acme/keys", ADMIN, "{\"scopes\":[\"search\",\"root\"]}"), 400,
        "invalid_input", "/scopes/1"));
    out.add(bad("a tenant id as a number", post("/v1/tenants", ADMIN, "{\"id\":5}"), 400, "invalid_input", "/id"));
    out.add(bad("an invalid tenant id", post("/v1/tenants", ADMIN, "{\"id\":\"a--b\"}"), 400, "invalid_input", "/id"));
    out.add(bad("refresh=soon", put("/v1/collections/docs/documents/d9?refresh=soon", acme, "{\"text\":\"t\"}"), 400,
        "invalid_input", "refresh", "soon"));
    // unknown collections (of the caller; another tenant's is the same as none)
    out.add(bad("search in no collection", post("/v1/collections/nope/search", acme, GOOD_SEARCH), 404, "not_found", "'nope'"));
    out.add(bad("get no collection", request("GET", "/v1/collections/nope", acme, Optional.empty(), null), 404, "not_found", "'nope'"));
    out.add(bad("a document into no collection", put("/v1/collections/nope/documents/d1", acme, "{\"text\":\"t\"}"), 404,
        "not_found", "'nope'"));
    out.add(bad("delete from no collection", request("DELETE", "/v1/collections/nope/documents/d1", acme, Optional.empty(), null),
        404, "not_found", "'nope'"));
    out.add(bad("drop no collection", request("DELETE", "/v1/collections/nope", acme, Optional.empty(), null), 404,
        "not_found", "'nope'"));
    out.add(bad("another tenant's collection", post("/v1/collections/notes/search", acme, GOOD_SEARCH), 404, "not_found", "'notes'"));
    out.add(bad("delete a missing document", request("DELETE", "/v1/collections/docs/documents/nobody", acme, Optional.empty(), null),
        404, "not_found", "'nobody'"));
    out.add(bad("keys for no tenant", post("/v1/tenants/nobody/keys", ADMIN, "{\"scopes\":[\"search\"]}"), 404, "not_found", "nobody"));
    // keys
    out.add(bad("no key", request("POST", SEARCH, null, Optional.of("application/json"), utf8(GOOD_SEARCH)), 401,
        "unauthenticated", "Authorization: Bearer"));
    out.add(bad("a Basic credential", withAuth(SEARCH, "Basic YWNtZTpwYXNzd29yZA=="), 401, "unauthenticated", "Bearer"));
    out.add(bad("an empty bearer", withAuth(SEARCH, "Bearer "), 401, "unauthenticated", "API key"));
    out.add(bad("a wrong key", post(SEARCH, "qk_0123456789abcdef_wrongwrongwrongwrongwrongwrongwrongwrongwro", GOOD_SEARCH), 401,
        "unauthenticated", "API key"));
    out.add(bad("text that cannot be a key", post(SEARCH, "not a key at all", GOOD_SEARCH), 401, "unauthenticated", "API key"));
    out.add(bad("a very long key", post(SEARCH, "k".repeat(8000), GOOD_SEARCH), 401, "unauthenticated", "API key"));
    out.add(bad("a revoked key", post(SEARCH, revoked, GOOD_SEARCH), 401, "unauthenticated", "revoked"));
    out.add(bad("an expired key", post(SEARCH, expired, GOOD_SEARCH), 401, "unauthenticated", "expired"));
    out.add(bad("a revoked key writing", put("/v1/collections/docs/documents/d1", revoked, "{\"text\":\"overwritten\"}"), 401,
        "unauthenticated", "API key"));
    // scopes
    out.add(bad("search-only key writing", put("/v1/collections/docs/documents/d1", acmeSearchOnly, "{\"text\":\"overwritten\"}"),
        403, "forbidden", "'ingest'"));
    out.add(bad("search-only key dropping", request("DELETE", "/v1/collections/docs", acmeSearchOnly, Optional.empty(), null), 403,
        "forbidden", "'ingest'"));
    out.add(bad("ingest-only key searching", post(SEARCH, acmeIngestOnly, GOOD_SEARCH), 403, "forbidden", "'search'"));
    out.add(bad("a tenant key creating tenants", post("/v1/tenants", acme, "{\"id\":\"evil\"}"), 403, "forbidden", "operator key"));
    out.add(bad("a tenant key minting keys", post("/v1/tenants/acme/keys", acme, "{\"scopes\":[\"admin\"]}"), 403, "forbidden", "'admin'"));
    out.add(bad("the admin key searching", post(SEARCH, ADMIN, GOOD_SEARCH), 403, "forbidden", "'search'"));
    // the admin scope across tenants: a tenant's admin key acts in its own tenant only
    String acmeKeys = "/v1/tenants/acme/keys";
    out.add(bad("another tenant's admin key minting keys", post(acmeKeys, globexAdmin, "{\"scopes\":[\"admin\"]}"), 403,
        "forbidden", "tenant 'globex'", "acts in it only"));
    out.add(bad("another tenant's admin key listing keys", request("GET", acmeKeys, globexAdmin, Optional.empty(), null), 403,
        "forbidden", "tenant 'globex'"));
    out.add(bad("another tenant's admin key revoking a key", request("DELETE", acmeKeys + "/" + acmeKeyId, globexAdmin,
        Optional.empty(), null), 403, "forbidden", "tenant 'globex'"));
    out.add(bad("another tenant's admin key rotating a key", post(acmeKeys + "/" + acmeKeyId + "/rotate", globexAdmin, "{}"),
        403, "forbidden", "tenant 'globex'"));
    out.add(bad("another tenant's admin key reading usage", request("GET", "/v1/tenants/acme/usage", globexAdmin,
        Optional.empty(), null), 403, "forbidden", "operator key"));
    out.add(bad("a tenant's admin key creating tenants", post("/v1/tenants", globexAdmin, "{\"id\":\"evil\"}"), 403,
        "forbidden", "operator key"));
    out.add(bad("a tenant's admin key listing tenants", request("GET", "/v1/tenants", globexAdmin, Optional.empty(), null), 403,
        "forbidden", "operator key"));
    out.add(bad("a tenant's admin key minting operator keys", post("/v1/tenants/quarry-admin/keys", globexAdmin,
        "{\"scopes\":[\"admin\"]}"), 403, "forbidden", "tenant 'globex'"));
    out.add(bad("a tenant's admin key for a tenant that does not exist", post("/v1/tenants/nobody/keys", globexAdmin,
        "{\"scopes\":[\"search\"]}"), 403, "forbidden", "tenant 'globex'"));
    // key management
    out.add(bad("a key expiring in the past", post(acmeKeys, ADMIN, "{\"scopes\":[\"search\"],\"expires_at\":\"2020-01-01T00:00:00Z\"}"),
        400, "invalid_input", "expires_at", "in the future"));
    out.add(bad("a key expiring 'next week'", post(acmeKeys, ADMIN, "{\"scopes\":[\"search\"],\"expires_at\":\"next week\"}"),
        400, "invalid_input", "RFC 3339", "next week"));
    out.add(bad("a key expiry as a number", post(acmeKeys, ADMIN, "{\"scopes\":[\"search\"],\"expires_at\":1700000000}"),
        400, "invalid_input", "/expires_at"));
    out.add(bad("a rotation grace over a day", post(acmeKeys + "/" + acmeKeyId + "/rotate", ADMIN, "{\"grace_seconds\":86401}"),
        400, "invalid_input", "grace_seconds", "86400"));
    out.add(bad("a rotation grace as text", post(acmeKeys + "/" + acmeKeyId + "/rotate", ADMIN, "{\"grace_seconds\":\"60\"}"),
        400, "invalid_input", "/grace_seconds"));
    out.add(bad("a negative rotation grace", post(acmeKeys + "/" + acmeKeyId + "/rotate", ADMIN, "{\"grace_seconds\":-1}"),
        400, "invalid_input", "grace_seconds"));
    out.add(bad("revoking no key", request("DELETE", acmeKeys + "/0123456789abcdef", ADMIN, Optional.empty(), null), 404,
        "not_found", "'0123456789abcdef'"));
    out.add(bad("rotating no key", post(acmeKeys + "/0123456789abcdef/rotate", ADMIN, "{}"), 404, "not_found",
        "'0123456789abcdef'"));
    out.add(bad("rotating another tenant's key by its id", post("/v1/tenants/globex/keys/" + acmeKeyId + "/rotate", ADMIN, "{}"),
        404, "not_found", acmeKeyId));
    String operatorKeyId = PlaintextKey.parse(ADMIN).id();
    out.add(bad("revoking the operator's last key", request("DELETE", "/v1/tenants/quarry-admin/keys/" + operatorKeyId, ADMIN,
        Optional.empty(), null), 409, "conflict", "last active key"));
    out.add(bad("rotating the operator's chosen key", post("/v1/tenants/quarry-admin/keys/" + operatorKeyId + "/rotate", ADMIN,
        "{}"), 400, "invalid_input", "chosen"));
    // bad path ids
    out.add(bad("a collection name with '!'", put("/v1/collections/Bad!Name", acme, "{}"), 400, "invalid_input", "'Bad!Name'"));
    out.add(bad("a collection name of 65 characters", put("/v1/collections/" + "c".repeat(65), acme, "{}"), 400,
        "invalid_input", "collection name", "1-64 characters"));
    out.add(bad("'..' as a collection", post("/v1/collections/%2E%2E/search", acme, GOOD_SEARCH), 400, "invalid_input",
        "collection name"));
    out.add(bad("a document id of 300 characters", put("/v1/collections/docs/documents/" + "d".repeat(300), acme,
        "{\"text\":\"t\"}"), 400, "invalid_input", "document id"));
    // refused by the HTTP server's path decoding, before the route (and its id check) runs
    out.add(bad("a NUL in a document id", put("/v1/collections/docs/documents/a%00b", acme, "{\"text\":\"t\"}"), 400,
        "invalid_input", "an encoded NUL (%00)"));
    out.add(bad("a newline in a document id", put("/v1/collections/docs/documents/a%0Ab", acme, "{\"text\":\"t\"}"), 400,
        "invalid_input", "document id"));
    // a request line that is not a URI is refused by the JDK's server itself (400, text/html): no handler runs
    out.add(badRaw("a broken percent escape", "PUT", "/v1/collections/docs/documents/a%zzb", acme, "{\"text\":\"t\"}", 400, ""));
    out.add(bad("percent-encoded invalid UTF-8 in an id", put("/v1/collections/docs/documents/caf%C3", acme, "{\"text\":\"t\"}"),
        400, "invalid_input", "UTF-8", "caf%C3"));
    out.add(bad("an invalid tenant in a path", post("/v1/tenants/ACME/keys", ADMIN, "{\"scopes\":[\"search\"]}"), 400,
        "invalid_input", "'ACME'"));
    out.add(badRaw("a broken escape in a query parameter", "PUT", "/v1/collections/docs/documents/d9?refresh=%zz", acme,
        "{\"text\":\"t\"}", 400, ""));
    // query parameters a route does not take
    out.add(bad("a misspelt query parameter", put("/v1/collections/docs/documents/d9?refersh=wait_for", acme,
        "{\"text\":\"t\"}"), 400, "invalid_input", "unknown query parameter 'refersh'", "refresh"));
    out.add(bad("a query parameter on a route that takes none", post(SEARCH + "?k=5", acme, GOOD_SEARCH), 400,
        "invalid_input", "'k'", "takes none"));
    // routes and methods
    out.add(bad("an unknown route", request("GET", "/v1/nothing", acme, Optional.empty(), null), 404, "not_found", "/v1/nothing"));
    out.add(bad("a wrong method", request("PATCH", "/v1/collections/docs", acme, Optional.of("application/json"), utf8("{}")),
        405, "method_not_allowed", "PATCH"));
    return out;
  }

  private Snapshot snapshot() throws Exception {
    List<String> tenants;
    Map<String, Integer> keys = new LinkedHashMap<>();
    try (Store side = SqliteStore.open(SqliteSettings.in(dataDir), StoreOptions.defaults())) {
      tenants = side.tenants().list().stream().map(Tenant::id).map(TenantId::value).toList();
      for (String t : tenants) {
        List<ApiKey> list = side.apiKeys().list(TenantId.of(t));
        keys.put(t, list.size());
      }
    }
    HttpResponse<String> search = send("POST", SEARCH, acme, GOOD_SEARCH);
    assertEquals(200, search.statusCode(), search.body());
    return new Snapshot(tenants, keys, collections(acme), collections(globex),
        withoutRequestId(JSON.readTree(search.body())), documents(acme, "docs"), documents(globex, "notes"));
  }

  /** The collection's documents as listed (ids, versions, states, hashes). */
  private JsonNode documents(String key, String collection) throws Exception {
    HttpResponse<String> r = send("GET", "/v1/collections/" + collection + "/documents", key, null);
    assertEquals(200, r.statusCode(), r.body());
    return withoutRequestId(JSON.readTree(r.body()));
  }

  private JsonNode collections(String key) throws Exception {
    HttpResponse<String> r = send("GET", "/v1/collections", key, null);
    assertEquals(200, r.statusCode(), r.body());
    return withoutRequestId(JSON.readTree(r.body()));
  }

  /**
   * {@code n} without its request id and without the searcher generation: background compaction
   * (after 10 s without writes, which a sweep on a loaded machine can outlast) moves the generation
   * while nothing stored changes; the documents' versions are the tripwire for writes instead.
   */
  private static JsonNode withoutRequestId(JsonNode n) {
    ObjectNode copy = n.deepCopy();
    copy.remove("request_id");
    copy.remove("generation");
    for (JsonNode c : copy.path("collections")) {
      ((ObjectNode) c).remove("generation");
    }
    return copy;
  }

  private String key(String tenant, String scopes) throws Exception {
    HttpResponse<String> r = send("POST", "/v1/tenants/" + tenant + "/keys", ADMIN, "{\"scopes\":" + scopes + "}");
    assertEquals(201, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("key").asText();
  }

  private static void ok(HttpResponse<String> r) {
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.body());
  }

  private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    return client.send(request(method, path, key, Optional.ofNullable(body).map(b -> "application/json"),
        body == null ? null : utf8(body)), HttpResponse.BodyHandlers.ofString());
  }

  private Probe bad(String name, HttpRequest request, int status, String code, String... mentions) {
    Call call = () -> {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type"), r.headers().firstValue("X-Request-Id"), r.body());
    };
    return new Probe(name, call, status, code, List.of(mentions));
  }

  /**
   * A request written on a socket as given, for what the JDK client refuses to send (a path that
   * is not a valid URI); the server closes the connection after answering.
   */
  private Probe badRaw(String name, String method, String rawPath, String key, String json, int status, String code,
      String... mentions) {
    Call call = () -> {
      byte[] body = utf8(json);
      String head = method + " " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        // one write: a server that answers without reading the body must still have received it
        // with the head, or closing with unread bytes resets the connection before we read the answer
        byte[] request = new byte[utf8(head).length + body.length];
        System.arraycopy(utf8(head), 0, request, 0, utf8(head).length);
        System.arraycopy(body, 0, request, utf8(head).length, body.length);
        socket.setTcpNoDelay(true);
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        socket.shutdownOutput();
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int end = response.indexOf("\r\n\r\n");
        String[] lines = response.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), Optional.ofNullable(headers.get("content-type")),
            Optional.ofNullable(headers.get("x-request-id")), response.substring(end + 4));
      }
    };
    return new Probe(name, call, status, code, List.of(mentions));
  }

  private HttpRequest post(String path, String key, String json) {
    return request("POST", path, key, Optional.of("application/json"), utf8(json));
  }

  private HttpRequest put(String path, String key, String json) {
    return request("PUT", path, key, Optional.of("application/json"), utf8(json));
  }

  private HttpRequest raw(String method, String path, String key, byte[] body) {
    return request(method, path, key, Optional.of("application/json"), body);
  }

  private HttpRequest withAuth(String path, String authorization) {
    return HttpRequest.newBuilder(uri(path)).header("Authorization", authorization)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(GOOD_SEARCH)).build();
  }

  private HttpRequest request(String method, String path, String key, Optional<String> contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    contentType.ifPresent(t -> b.header("Content-Type", t));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return b.build();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Text (as UTF-8) and single bytes (ints), in order. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(utf8(s));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }
}

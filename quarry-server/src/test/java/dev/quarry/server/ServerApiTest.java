package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP API end to end: one real server on a loopback ephemeral port for the whole class, called
 * with the JDK's HttpClient. Two tenants, acme and globex, each with an ingest+search key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiTest {

  static final String ADMIN = "test-admin-key-0123456789-abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  Path dataDir;
  QuarryServer server;
  HttpClient client = HttpClient.newHttpClient();
  String acme;
  String globex;
  String acmeSearchOnly;

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  @BeforeAll
  void start() throws Exception {
    dataDir = Files.createTempDirectory("quarry-server-test");
    ServerConfig config = ServerConfig.defaults(dataDir)
        .withPort(0)
        .withLimits(new ServerConfig.Limits(64 * 1024, 50, 500, 3))
        .withAdminKey(Optional.of(ADMIN));
    server = QuarryServer.start(config, System.err);
    assertEquals(201, call("POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}").status());
    assertEquals(201, call("POST", "/v1/tenants", ADMIN, "{\"id\":\"globex\"}").status());
    acme = key("acme", "[\"ingest\",\"search\"]");
    globex = key("globex", "[\"ingest\",\"search\"]");
    acmeSearchOnly = key("acme", "[\"search\"]");
    assertEquals(201, call("PUT", "/v1/collections/docs", acme, "").status());
    upsert(acme, "docs", "d1", "{\"title\":\"Lighthouses\",\"text\":\"The lighthouse keeper lit the lamp at dusk to guide ships past the rocks.\",\"metadata\":{\"lang\":\"en\",\"year\":2020}}");
    upsert(acme, "docs", "d2", "{\"title\":\"Bread\",\"text\":\"Sourdough bread needs a starter of flour and water, fed daily.\",\"metadata\":{\"lang\":\"en\",\"year\":2023}}");
    upsert(acme, "docs", "d3", "{\"title\":\"Volcanoes\",\"text\":\"Magma rises through the crust and erupts as lava from a volcano.\",\"metadata\":{\"lang\":\"fr\",\"year\":2024}}");
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
    try (var files = Files.walk(dataDir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void healthAndReadinessAnswerWithRequestIds() throws Exception {
    Reply h = call("GET", "/healthz", null, null);
    assertEquals(200, h.status());
    assertEquals("alive", h.body().get("status").asText());
    assertEquals(h.raw().headers().firstValue("X-Request-Id").orElseThrow(), h.body().get("request_id").asText());
    assertEquals(200, call("GET", "/readyz", null, null).status());
  }

  @Test
  void metricsExposeRouteLatencyErrorCodesAndDocumentsIndexed() throws Exception {
    assertEquals(200, search(acme, "docs", "{\"query\":\"lighthouse\"}").status());
    assertEquals(401, call("POST", "/v1/collections/docs/search", "wrong-key", "{\"query\":\"x\"}").status());
    assertEquals(404, call("GET", "/v1/collections/no-such-collection", acme, null).status());
    HttpResponse<String> m = client.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, m.statusCode());
    assertTrue(m.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
    String text = m.body();
    String series = "route=\"/v1/collections/{collection}/search\",method=\"POST\",status=\"200\"";
    assertTrue(text.contains("quarry_http_request_duration_seconds_bucket{" + series + ",le=\"+Inf\"}"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_count{" + series + "}"), text);
    assertTrue(text.contains("quarry_http_request_duration_seconds_sum{" + series + "}"), text);
    assertTrue(text.contains("status=\"401\""), text);
    assertTrue(text.contains("quarry_errors_total{code=\"unauthenticated\"}"), text);
    assertTrue(text.contains("quarry_errors_total{code=\"not_found\"}"), text);
    assertFalse(text.contains("no-such-collection"), "raw paths must never become labels");
    long indexed = Long.parseLong(text.lines().filter(l -> l.startsWith("quarry_documents_indexed_total "))
        .findFirst().orElseThrow().split(" ")[1]);
    assertTrue(indexed >= 3, "three documents were upserted at start, got: " + indexed);
    assertEquals(405, client.send(HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void searchesReportEveryStageWithCpuTimeAndAWarmCacheNeverReturnsADeletedDocument() throws Exception {
    assertEquals(201, call("PUT", "/v1/collections/cached", acme, "").status());
    upsert(acme, "cached", "otter", "{\"text\":\"Sea otters hold hands while they sleep so they do not drift apart.\"}");
    upsert(acme, "cached", "heron", "{\"text\":\"A heron stands still in shallow water waiting for fish.\"}");
    String query = "{\"query\":\"otters holding hands asleep\",\"k\":5}";
    Map<String, Double> before = scrape();
    assertEquals("otter", ids(search(acme, "cached", query)).getFirst());
    assertEquals("otter", ids(search(acme, "cached", query)).getFirst());
    Map<String, Double> after = scrape();
    String hit = "quarry_cache_requests_total{cache=\"search_result\",result=\"hit\"}";
    String miss = "quarry_cache_requests_total{cache=\"search_result\",result=\"miss\"}";
    assertEquals(1, after.get(hit) - before.get(hit), 0);
    assertEquals(1, after.get(miss) - before.get(miss), 0);
    for (String stage : List.of("embed_query", "retrieve_lexical", "retrieve_vector", "fuse", "load")) {
      String cpu = "quarry_stage_cpu_seconds_total{stage=\"" + stage + "\"}";
      String runs = "quarry_stage_duration_seconds_count{stage=\"" + stage + "\"}";
      String unmeasured = "quarry_stage_cpu_unmeasured_total{stage=\"" + stage + "\"}";
      assertEquals(1, after.get(runs) - before.get(runs), 0, stage + " runs once: the second search was a hit");
      assertTrue(after.get(cpu) > before.get(cpu), stage + " CPU did not grow");
      assertEquals(before.get(unmeasured), after.get(unmeasured), stage + " ran where its CPU cannot be measured");
    }
    assertTrue(after.get("process_cpu_seconds_total") > 0);

    Reply del = call("DELETE", "/v1/collections/cached/documents/otter?refresh=wait_for", acme, null);
    assertEquals(200, del.status(), del.body().toString());
    assertFalse(ids(search(acme, "cached", query)).contains("otter"), "served a deleted document");
    assertFalse(ids(search(acme, "cached", query)).contains("otter"), "served a deleted document from the cache");
  }

  @Test
  void oneTenantsQueryVectorIsNeverServedToAnother() throws Exception {
    assertTrue(List.of(200, 201).contains(call("PUT", "/v1/collections/vectors", acme, "").status()));
    assertTrue(List.of(200, 201).contains(call("PUT", "/v1/collections/vectors", globex, "").status()));
    String query = "{\"query\":\"merger talks with initech next quarter\",\"mode\":\"vector\"}";
    String hit = "quarry_cache_requests_total{cache=\"query_vector\",result=\"hit\"}";
    String miss = "quarry_cache_requests_total{cache=\"query_vector\",result=\"miss\"}";
    Map<String, Double> before = scrape();
    assertEquals(200, search(acme, "vectors", query).status());
    assertEquals(200, search(globex, "vectors", query).status());
    Map<String, Double> after = scrape();
    assertEquals(0, after.get(hit) - before.get(hit), 0, "globex was served acme's query vector");
    assertEquals(2, after.get(miss) - before.get(miss), 0);
    // the same tenant and collection again (another k, so the result cache does not answer first)
    assertEquals(200, search(acme, "vectors", query.replace("}", ",\"k\":3}")).status());
    assertEquals(1, scrape().get(hit) - after.get(hit), 0);
  }

  @Test
  void aRepeatedPostWithTheSameIdempotencyKeyReplaysTheFirstResponse() throws Exception {
    Optional<String> key = Optional.of("create-initech-1");
    Reply first = call("POST", "/v1/tenants", ADMIN, "{\"id\":\"initech\"}", key);
    assertEquals(201, first.status(), first.body().toString());
    Reply again = call("POST", "/v1/tenants", ADMIN, "{\"id\":\"initech\"}", key);
    assertEquals(201, again.status(), "a replay, not a duplicate: " + again.body());
    assertEquals("true", again.raw().headers().firstValue("Idempotent-Replayed").orElseThrow());
    assertFalse(first.raw().headers().firstValue("Idempotent-Replayed").isPresent());
    assertEquals(withoutRequestId(first), withoutRequestId(again));
    assertFalse(first.body().get("request_id").equals(again.body().get("request_id")),
        "a replay carries its own request id");
    Reply fresh = call("POST", "/v1/tenants", ADMIN, "{\"id\":\"initech\"}", Optional.of("create-initech-2"));
    assertEquals(409, fresh.status(), "the tenant was created once; a new key really runs: " + fresh.body());
    assertEquals("conflict", fresh.body().get("code").asText());

    Reply other = call("POST", "/v1/tenants", ADMIN, "{\"id\":\"umbrella\"}", key);
    assertEquals(422, other.status(), other.body().toString());
    assertEquals("idempotency_conflict", other.body().get("code").asText());
    assertFalse(other.body().get("retryable").asBoolean());
    Reply otherPath = call("POST", "/v1/tenants/initech/keys", ADMIN, "{\"id\":\"initech\"}", key);
    assertEquals(422, otherPath.status(), "the hash covers the path: " + otherPath.body());
  }

  @Test
  void idempotentSearchReplaysPerTenantAndFailuresReleaseTheKey() throws Exception {
    Optional<String> key = Optional.of("search-1");
    String path = "/v1/collections/docs/search";
    Reply first = call("POST", path, acme, "{\"query\":\"lighthouse\"}", key);
    Reply again = call("POST", path, acme, "{\"query\":\"lighthouse\"}", key);
    assertEquals(200, again.status());
    assertEquals(withoutRequestId(first), withoutRequestId(again));
    assertEquals("true", again.raw().headers().firstValue("Idempotent-Replayed").orElseThrow());
    assertEquals(422, call("POST", path, acme, "{\"query\":\"bread\"}", key).status());

    Reply otherTenant = call("POST", path, globex, "{\"query\":\"bread\"}", key);
    assertEquals(404, otherTenant.status(), "globex has no 'docs'; keys are per tenant: " + otherTenant.body());
    assertEquals("not_found", otherTenant.body().get("code").asText());
    Reply retried = call("POST", path, globex, "{\"query\":\"bread\"}", key);
    assertEquals(404, retried.status(), "a failure is not remembered, so the retry ran again");
    assertFalse(retried.raw().headers().firstValue("Idempotent-Replayed").isPresent());
  }

  @Test
  void anInboundTraceparentIsContinuedWithANewSpan() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/healthz"))
        .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01").GET().build(), HttpResponse.BodyHandlers.ofString());
    String out = r.headers().firstValue("traceparent").orElseThrow();
    assertTrue(out.matches("00-" + trace + "-[0-9a-f]{16}-01"), out);
    assertFalse(out.contains("00f067aa0ba902b7"), "a new span id: " + out);
    HttpResponse<String> none = client.send(HttpRequest.newBuilder(uri("/healthz")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(none.headers().firstValue("traceparent").orElseThrow().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"));
  }

  @Test
  void aKeyHeldByARequestInProgressIsRefusedAsRetryableThenReplaysItsStoredResponse() throws Exception {
    String path = "/v1/collections/docs/search";
    String body = "{\"query\":\"volcano\"}";
    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
    d.update(("POST\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
    d.update(body.getBytes(StandardCharsets.UTF_8));
    String hash = java.util.HexFormat.of().formatHex(d.digest());
    dev.quarry.store.tenant.TenantId tenant = dev.quarry.store.tenant.TenantId.of("acme");
    try (dev.quarry.store.Store side = dev.quarry.store.jdbc.SqliteStore.open(
        dev.quarry.store.jdbc.SqliteSettings.in(dataDir), dev.quarry.store.StoreOptions.defaults())) {
      assertTrue(side.idempotency().begin(tenant, "held", hash) instanceof dev.quarry.store.idempotency.IdempotencyOutcome.New);
      Reply busy = call("POST", path, acme, body, Optional.of("held"));
      assertEquals(409, busy.status(), busy.body().toString());
      assertEquals("idempotency_in_progress", busy.body().get("code").asText());
      assertTrue(busy.body().get("retryable").asBoolean());
      side.idempotency().complete(tenant, "held",
          new dev.quarry.store.idempotency.StoredResponse(200, "{\"hits\":[],\"generation\":-7}"));
    }
    Reply replay = call("POST", path, acme, body, Optional.of("held"));
    assertEquals(200, replay.status());
    assertEquals(-7, replay.body().get("generation").asInt(), "the stored response, not a new search: " + replay.body());
  }

  @Test
  void lexicalAndHybridSearchFindUpsertedDocuments() throws Exception {
    Reply lexical = search(acme, "docs", "{\"query\":\"lighthouse keeper\",\"mode\":\"lexical\",\"k\":3}");
    assertEquals(200, lexical.status(), lexical.body().toString());
    assertEquals("d1", lexical.body().get("hits").get(0).get("id").asText());
    assertTrue(lexical.body().get("generation").asLong() > 0);
    JsonNode top = lexical.body().get("hits").get(0);
    assertEquals("Lighthouses", top.get("title").asText());
    assertEquals(2020.0, top.get("metadata").get("year").asDouble());

    Reply hybrid = search(acme, "docs", "{\"query\":\"baking with yeast\",\"mode\":\"hybrid\",\"k\":1,\"explain\":true}");
    assertEquals(200, hybrid.status(), hybrid.body().toString());
    assertEquals("d2", hybrid.body().get("hits").get(0).get("id").asText());
    assertTrue(hybrid.body().get("hits").get(0).has("explain"));
  }

  @Test
  void filtersRestrictHits() throws Exception {
    Reply byTerm = search(acme, "docs", "{\"query\":\"lava lamp bread\",\"mode\":\"lexical\",\"filter\":{\"term\":{\"field\":\"lang\",\"value\":\"fr\"}}}");
    assertEquals(List.of("d3"), ids(byTerm));
    Reply byRange = search(acme, "docs", "{\"query\":\"lava lamp bread\",\"mode\":\"lexical\",\"filter\":{\"all_of\":[{\"range\":{\"field\":\"year\",\"gte\":2021}},{\"term\":{\"field\":\"lang\",\"value\":\"en\"}}]}}");
    assertEquals(List.of("d2"), ids(byRange));
  }

  @Test
  void collectionsAreListedAndCountedPerTenant() throws Exception {
    assertEquals(200, call("PUT", "/v1/collections/docs", acme, "{}").status(), "a second PUT finds it");
    Reply one = call("GET", "/v1/collections/docs", acme, null);
    assertEquals(200, one.status());
    assertTrue(one.body().get("documents").asLong() >= 2);
    Reply list = call("GET", "/v1/collections", acme, null);
    assertTrue(names(list).contains("docs"));
    assertFalse(names(call("GET", "/v1/collections", globex, null)).contains("docs"));
  }

  @Test
  void deletedDocumentsDisappearFromSearchAndCollectionsCanBeDropped() throws Exception {
    assertEquals(201, call("PUT", "/v1/collections/scratch", acme, "{\"chunker\":{\"strategy\":\"sentence\",\"max_tokens\":128}}").status());
    upsert(acme, "scratch", "gone", "{\"text\":\"Penguins huddle together through the antarctic winter.\"}");
    upsert(acme, "scratch", "kept", "{\"text\":\"Camels cross the desert carrying water in their bodies.\"}");
    assertEquals(List.of("gone"), ids(search(acme, "scratch", "{\"query\":\"penguins\",\"mode\":\"lexical\"}")));
    Reply del = call("DELETE", "/v1/collections/scratch/documents/gone?refresh=wait_for", acme, null);
    assertEquals(200, del.status(), del.body().toString());
    assertEquals(List.of(), ids(search(acme, "scratch", "{\"query\":\"penguins\",\"mode\":\"lexical\"}")));
    assertFalse(ids(search(acme, "scratch", "{\"query\":\"penguins antarctic\",\"mode\":\"hybrid\",\"k\":5}")).contains("gone"));
    assertEquals(404, call("DELETE", "/v1/collections/scratch/documents/gone", acme, null).status());
    assertEquals(200, call("DELETE", "/v1/collections/scratch", acme, null).status());
    assertEquals(404, call("GET", "/v1/collections/scratch", acme, null).status());
  }

  @Test
  void anotherTenantCannotSeeSearchOrChangeTheFirstTenantsData() throws Exception {
    assertEquals(404, call("GET", "/v1/collections/docs", globex, null).status());
    assertEquals(404, search(globex, "docs", "{\"query\":\"lighthouse\"}").status());
    assertEquals(404, call("PUT", "/v1/collections/docs/documents/d1", globex, "{\"text\":\"overwritten\"}").status());
    assertEquals(404, call("DELETE", "/v1/collections/docs/documents/d1", globex, null).status());
    assertEquals(404, call("GET", "/v1/collections/docs/documents/d1", globex, null).status());
    assertEquals(404, call("DELETE", "/v1/collections/docs", globex, null).status());
    // globex's own collection of the same name is a different one
    assertTrue(List.of(200, 201).contains(call("PUT", "/v1/collections/docs", globex, "").status()));
    assertEquals(List.of(), ids(search(globex, "docs", "{\"query\":\"lighthouse\",\"mode\":\"lexical\"}")));
    assertEquals(List.of("d1"), ids(search(acme, "docs", "{\"query\":\"lighthouse\",\"mode\":\"lexical\",\"k\":1}")));
    // a tenant id in the body cannot redirect a request either: unknown fields are refused
    assertEquals(400, search(globex, "docs", "{\"query\":\"lighthouse\",\"tenant\":\"acme\"}").status());
  }

  @Test
  void concurrentWritesAndSearchesAllSucceed() throws Exception {
    assertEquals(201, call("PUT", "/v1/collections/busy", acme, "").status());
    int writers = 8;
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int n = i;
        statuses.add(pool.submit(() -> call("PUT", "/v1/collections/busy/documents/doc-" + n, acme,
            "{\"text\":\"note number " + n + " about concurrent harbours\"}").status()));
        statuses.add(pool.submit(() -> search(acme, "busy", "{\"query\":\"harbours\",\"mode\":\"hybrid\"}").status()));
      }
      for (var f : statuses) {
        assertEquals(200, f.get());
      }
    }
    assertEquals(writers, call("GET", "/v1/collections/busy", acme, null).body().get("documents").asLong());
    assertEquals(writers, ids(search(acme, "busy", "{\"query\":\"harbours\",\"mode\":\"lexical\",\"k\":20}")).size());
    Reply unknownModel = call("PUT", "/v1/collections/other", acme, "{\"model\":\"no-such-model\"}");
    assertTrue(unknownModel.status() >= 400 && unknownModel.status() < 500, unknownModel.body().toString());
  }

  @Test
  void authenticationAndScopes() throws Exception {
    Reply missing = call("GET", "/v1/collections", null, null);
    assertEquals(401, missing.status());
    assertEquals("unauthenticated", missing.body().get("code").asText());
    assertEquals(401, call("GET", "/v1/collections", "qk_0123456789abcdef_wrongwrongwrongwrongwrongwrongwrongwrongwro", null).status());
    assertEquals(401, call("GET", "/v1/collections", "not a key", null).status());
    Reply forbidden = call("PUT", "/v1/collections/docs/documents/x", acmeSearchOnly, "{\"text\":\"t\"}");
    assertEquals(403, forbidden.status());
    assertEquals("forbidden", forbidden.body().get("code").asText());
    assertEquals(403, call("POST", "/v1/tenants", acme, "{\"id\":\"evil\"}").status());
    assertEquals(403, call("GET", "/v1/collections", ADMIN, null).status(), "admin does not imply search");
    assertEquals(200, search(acmeSearchOnly, "docs", "{\"query\":\"bread\"}").status());
  }

  @Test
  void badInputsGetPreciseClientErrorsAndTheServerStaysHealthy() throws Exception {
    Reply malformed = call("POST", "/v1/collections/docs/search", acme, "{\"query\": ");
    assertEquals(400, malformed.status());
    assertEquals("invalid_input", malformed.body().get("code").asText());
    assertFalse(malformed.body().get("retryable").asBoolean());

    Reply nullBody = search(acme, "docs", "null");
    assertEquals(400, nullBody.status(), nullBody.body().toString());
    assertEquals(400, search(acme, "docs", "[1]").status());
    assertEquals(400, call("PUT", "/v1/collections/docs/documents/x", acme, "{\"text\":\"t\",\"metadata\":{\"n\":null}}").status());

    Reply unknown = search(acme, "docs", "{\"query\":\"x\",\"bogus\":1}");
    assertEquals(400, unknown.status());
    assertTrue(unknown.body().get("message").asText().contains("/bogus"), unknown.body().toString());
    assertEquals("/bogus", unknown.body().get("details").get("pointer").asText());

    Reply wrongType = search(acme, "docs", "{\"query\":\"x\",\"k\":\"5\"}");
    assertEquals(400, wrongType.status());
    assertEquals("/k", wrongType.body().get("details").get("pointer").asText());

    Reply badMode = search(acme, "docs", "{\"query\":\"x\",\"mode\":\"psychic\"}");
    assertEquals("/mode", badMode.body().get("details").get("pointer").asText());

    Reply badScope = call("POST", "/v1/tenants/acme/keys", ADMIN, "{\"scopes\":[\"search\",\"root\"]}");
    assertEquals(400, badScope.status());
    assertEquals("/scopes/1", badScope.body().get("details").get("pointer").asText());

    assertEquals(400, search(acme, "docs", "{\"query\":\"x\",\"k\":51}").status(), "k over the limit");
    assertEquals(400, search(acme, "docs", "{\"query\":\"" + "q".repeat(501) + "\"}").status(), "query over the limit");

    Reply deep = search(acme, "docs", "{\"query\":\"x\",\"filter\":{\"all_of\":[{\"any_of\":[{\"all_of\":[{\"term\":{\"field\":\"a\",\"value\":\"b\"}}]}]}]}}");
    assertEquals(400, deep.status());
    assertEquals("/filter/all_of/0/any_of/0/all_of/0", deep.body().get("details").get("pointer").asText());

    Reply badFilter = search(acme, "docs", "{\"query\":\"x\",\"filter\":{\"range\":{\"field\":\"year\",\"gte\":\"last week\"}}}");
    assertEquals("/filter/range/gte", badFilter.body().get("details").get("pointer").asText());

    HttpResponse<String> text = client.send(HttpRequest.newBuilder(uri("/v1/collections/docs/search"))
        .header("Authorization", "Bearer " + acme).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, text.statusCode());

    Reply huge = call("PUT", "/v1/collections/docs/documents/huge", acme,
        "{\"text\":\"" + "word ".repeat(20_000) + "\"}");
    assertEquals(413, huge.status());
    assertEquals("payload_too_large", huge.body().get("code").asText());

    HttpResponse<String> badUtf8 = client.send(HttpRequest.newBuilder(uri("/v1/collections/docs/search"))
        .header("Authorization", "Bearer " + acme).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'q', (byte) 0xC3, '"', ':', '1', '}'})).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, badUtf8.statusCode());

    assertEquals(400, call("PUT", "/v1/collections/Bad!Name", acme, "").status());
    assertEquals(404, call("GET", "/v1/nothing", acme, null).status());
    Reply method = call("PATCH", "/v1/collections/docs", acme, "{}");
    assertEquals(405, method.status());
    assertEquals("method_not_allowed", method.body().get("code").asText());
    Reply get = call("GET", "/v1/collections/docs/documents/d1", acme, null);
    assertEquals(200, get.status());
    assertEquals("indexed", get.body().get("state").asText());
    assertEquals(404, call("GET", "/v1/collections/docs/documents/nope", acme, null).status());
    assertEquals(409, call("POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}").status());
    assertEquals(400, call("POST", "/v1/tenants", ADMIN, "{\"id\":\"a--b\"}").status());

    assertEquals(200, call("GET", "/healthz", null, null).status());
    assertEquals(List.of("d1"), ids(search(acme, "docs", "{\"query\":\"lighthouse\",\"mode\":\"lexical\",\"k\":1}")));
  }

  private String key(String tenant, String scopes) throws Exception {
    Reply r = call("POST", "/v1/tenants/" + tenant + "/keys", ADMIN, "{\"scopes\":" + scopes + "}");
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("key").asText();
  }

  private void upsert(String key, String collection, String id, String body) throws Exception {
    Reply r = call("PUT", "/v1/collections/" + collection + "/documents/" + id + "?refresh=wait_for", key, body);
    assertEquals(200, r.status(), r.body().toString());
  }

  /** Every sample of /metrics by series (name and labels, without {@code le} buckets). */
  private Map<String, Double> scrape() throws Exception {
    String text = client.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> out = new HashMap<>();
    text.lines().filter(l -> !l.startsWith("#") && !l.contains("_bucket{")).forEach(l -> {
      int space = l.lastIndexOf(' ');
      out.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
    });
    return out;
  }

  private Reply search(String key, String collection, String body) throws Exception {
    return call("POST", "/v1/collections/" + collection + "/search", key, body);
  }

  private static JsonNode withoutRequestId(Reply r) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = r.body().deepCopy();
    copy.remove("request_id");
    return copy;
  }

  private static List<String> ids(Reply r) {
    assertEquals(200, r.status(), r.body().toString());
    List<String> out = new ArrayList<>();
    r.body().get("hits").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  private static List<String> names(Reply r) {
    assertEquals(200, r.status(), r.body().toString());
    List<String> out = new ArrayList<>();
    r.body().get("collections").forEach(c -> out.add(c.get("name").asText()));
    return out;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private Reply call(String method, String path, String key, String body) throws Exception {
    return call(method, path, key, body, Optional.empty());
  }

  private Reply call(String method, String path, String key, String body, Optional<String> idempotencyKey)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    idempotencyKey.ifPresent(k -> b.header("Idempotency-Key", k));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null && !body.isEmpty()) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(r.body());
    assertEquals(r.headers().firstValue("X-Request-Id").orElseThrow(), json.get("request_id").asText(),
        "every response carries its request id");
    return new Reply(r.statusCode(), json, r);
  }

}

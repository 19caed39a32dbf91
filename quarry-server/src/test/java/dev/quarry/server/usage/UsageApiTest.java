package dev.quarry.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GET /v1/usage and the ingestion gauges of /metrics, over HTTP, across a restart. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageApiTest {

  static final String NDJSON = "application/x-ndjson";
  static final String BOUNDARY = "usage-boundary-7";
  static final String MARKDOWN = "# Glaciers\n\nGlaciers carve valleys as the ice slowly flows downhill.";
  static final List<String> METERS = List.of("searches", "documents_submitted", "documents_indexed", "bytes_uploaded");

  TestApi api;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  JsonNode usage(String key) throws Exception {
    Reply r = api.json("GET", "/v1/usage", key, null);
    assertEquals(200, r.status(), r.body().toString());
    return r.body();
  }

  static Map<String, Long> totals(JsonNode usage) {
    Map<String, Long> out = new HashMap<>();
    METERS.forEach(m -> out.put(m, usage.get("totals").get(m).asLong()));
    return out;
  }

  static Map<String, Long> meters(long searches, long submitted, long indexed, long bytes) {
    return Map.of("searches", searches, "documents_submitted", submitted, "documents_indexed", indexed,
        "bytes_uploaded", bytes);
  }

  void ingest(String key, String collection) throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/" + collection, key, "{}").status());
    for (String id : List.of("d1", "d2")) {
      Reply r = api.json("PUT", "/v1/collections/" + collection + "/documents/" + id + "?refresh=wait_for", key,
          "{\"title\":\"Harbour " + id + "\",\"text\":\"The harbour master logs every ship, " + id + ".\"}");
      assertEquals(200, r.status(), r.body().toString());
    }
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      lines.append("{\"_id\":\"b").append(i).append("\",\"text\":\"Lighthouse keeper number ").append(i)
          .append(" lit the lamp.\"}\n");
    }
    Reply batch = api.call("POST", "/v1/collections/" + collection + "/documents?refresh=wait_for", key, NDJSON,
        lines.toString());
    assertEquals(200, batch.status(), batch.body().toString());
    String files = "--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"notes.md\"\r\nContent-Type: text/markdown\r\n\r\n"
        + MARKDOWN + "\r\n"
        + "--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"blank.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        + " \n \n\r\n"
        + "--" + BOUNDARY + "--\r\n";
    Reply upload = api.call("POST", "/v1/collections/" + collection + "/documents?refresh=wait_for", key,
        "multipart/form-data; boundary=" + BOUNDARY, files);
    assertEquals(200, upload.status(), upload.body().toString());
    assertEquals("done_with_failures", upload.body().get("state").asText(), "blank.txt fails: it holds no text");
  }

  @Test
  void countersMoveWithSearchesAndUploadsAndSurviveARestart() throws Exception {
    String acme = api.tenantKey("acme", "ingest", "search");
    JsonNode before = usage(acme);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertEquals("acme", before.get("tenant").asText());
    assertEquals(today.toString(), before.get("to").asText());
    assertEquals(today.minusDays(29).toString(), before.get("from").asText());
    assertEquals(30, before.get("days").size(), "every day of the default range");
    assertEquals(meters(0, 0, 0, 0), totals(before));
    assertEquals(0, before.get("holdings").get("collections").asInt());

    ingest(acme, "docs");
    for (int i = 0; i < 3; i++) {
      api.search(acme, "docs", "{\"query\":\"lighthouse lamp\",\"mode\":\"lexical\"}");
    }
    JsonNode after = usage(acme);
    JsonNode holdings = after.get("holdings");
    long content = holdings.get("content_bytes").asLong();
    // 2 upserts + 3 JSONL lines + 2 files submitted; the blank file failed, the rest were indexed
    assertEquals(meters(3, 7, 6, content), totals(after), after.toString());
    assertTrue(content > MARKDOWN.length(), "the markdown file and the JSON of the other documents");
    assertEquals(1, holdings.get("collections").asInt());
    assertEquals(6, holdings.get("documents").get("indexed").asInt());
    assertEquals(1, holdings.get("documents").get("failed").asInt());
    assertEquals(7, holdings.get("documents").get("total").asInt());
    assertTrue(holdings.get("chunks").asLong() >= 6, holdings.toString());
    assertTrue(holdings.get("index_bytes").asLong() > 0, holdings.toString());
    JsonNode docs = holdings.get("by_collection").get(0);
    assertEquals("docs", docs.get("name").asText());
    assertEquals(content, docs.get("content_bytes").asLong());
    JsonNode todayCounts = after.get("days").get(29);
    assertEquals(today.toString(), todayCounts.get("date").asText());
    METERS.forEach(m -> assertEquals(after.get("totals").get(m).asLong(), todayCounts.get(m).asLong(), m));
    assertEquals(0, after.get("days").get(0).get("searches").asLong());

    // unchanged content is submitted and uploaded again, but not indexed again
    Reply again = api.json("PUT", "/v1/collections/docs/documents/d1", acme,
        "{\"title\":\"Harbour d1\",\"text\":\"The harbour master logs every ship, d1.\"}");
    assertFalse(again.body().get("changed").asBoolean(), again.body().toString());
    Map<String, Long> beforeRestart = totals(usage(acme));
    assertEquals(8, beforeRestart.get("documents_submitted"));
    assertEquals(6, beforeRestart.get("documents_indexed"));
    assertTrue(beforeRestart.get("bytes_uploaded") > content);

    api.restart();
    JsonNode restarted = usage(acme);
    assertEquals(beforeRestart, totals(restarted), "what was counted before the restart is stored");
    assertEquals(holdings, restarted.get("holdings"));
    api.search(acme, "docs", "{\"query\":\"harbour\",\"mode\":\"lexical\"}");
    assertEquals(beforeRestart.get("searches") + 1, totals(usage(acme)).get("searches"));
  }

  @Test
  void aKeySeesOnlyItsTenantsUsageWhateverItsScopeAndAdminsSeeAny() throws Exception {
    String initech = api.tenantKey("initech", "ingest", "search");
    String globex = api.tenantKey("globex", "search");
    ingest(initech, "files");
    api.search(initech, "files", "{\"query\":\"glaciers\",\"mode\":\"lexical\"}");
    Map<String, Long> initechTotals = totals(usage(initech));
    assertEquals(1, initechTotals.get("searches"));

    JsonNode theirs = usage(globex);
    assertEquals("globex", theirs.get("tenant").asText());
    assertEquals(meters(0, 0, 0, 0), totals(theirs));
    assertEquals(0, theirs.get("holdings").get("collections").asInt());
    assertEquals(0, theirs.get("holdings").get("documents").get("total").asInt());
    Reply other = api.json("GET", "/v1/usage?tenant=initech", globex, null);
    assertEquals(400, other.status(), "the tenant always comes from the key; a query cannot name another");
    assertTrue(other.body().get("message").asText().contains("unknown query parameter 'tenant'"), other.body().toString());
    assertEquals(403, api.json("GET", "/v1/tenants/initech/usage", globex, null).status());
    assertEquals(403, api.json("GET", "/v1/tenants/initech/usage", initech, null).status());

    Reply ingestOnly = api.call("POST", "/v1/tenants/initech/keys", TestApi.ADMIN, "application/json", "{\"scopes\":[\"ingest\"]}");
    assertEquals(initechTotals, totals(usage(ingestOnly.body().get("key").asText())), "any scope of the tenant");

    Reply asAdmin = api.json("GET", "/v1/tenants/initech/usage", TestApi.ADMIN, null);
    assertEquals(200, asAdmin.status(), asAdmin.body().toString());
    assertEquals(initechTotals, totals(asAdmin.body()));
    assertEquals(404, api.json("GET", "/v1/tenants/nobody/usage", TestApi.ADMIN, null).status());
    assertEquals(401, api.json("GET", "/v1/usage", null, null).status());
    assertEquals(401, api.json("GET", "/v1/usage", "not-a-key", null).status());
  }

  @Test
  void datesAreValidatedNamingTheParameter() throws Exception {
    String hooli = api.tenantKey("hooli", "search");
    Map<String, String> bad = Map.of(
        "?from=2026-02-30", "from",
        "?to=yesterday", "to",
        "?from=2026-03-10&to=2026-03-01", "from",
        "?from=2024-01-01&to=2026-01-01", "from",
        "?to=10000-01-01", "to");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Reply r = api.json("GET", "/v1/usage" + e.getKey(), hooli, null);
      assertEquals(400, r.status(), e.getKey() + ": " + r.body());
      assertEquals("invalid_input", r.body().get("code").asText());
      assertEquals(e.getValue(), r.body().get("details").get("parameter").asText(), e.getKey());
      assertTrue(r.body().get("message").asText().contains(e.getValue()), r.body().toString());
    }
    JsonNode three = api.json("GET", "/v1/usage?from=2026-03-01&to=2026-03-03", hooli, null).body();
    assertEquals(List.of("2026-03-01", "2026-03-02", "2026-03-03"),
        java.util.stream.StreamSupport.stream(three.get("days").spliterator(), false).map(d -> d.get("date").asText()).toList());
    assertEquals(366, api.json("GET", "/v1/usage?from=2024-01-01&to=2024-12-31", hooli, null).body().get("days").size());
  }

  @Test
  void theIngestionGaugesCountDocumentsByStateAcrossTenants() throws Exception {
    String umbrella = api.tenantKey("umbrella", "ingest", "search");
    Map<String, Double> before = ingestGauges(api.metrics());
    ingest(umbrella, "gauged");
    String text = api.metrics();
    Map<String, Double> after = ingestGauges(text);
    assertEquals(6.0, after.get("quarry_ingest_documents{state=\"indexed\"}")
        - before.get("quarry_ingest_documents{state=\"indexed\"}"), text);
    assertEquals(1.0, after.get("quarry_ingest_documents{state=\"failed\"}")
        - before.get("quarry_ingest_documents{state=\"failed\"}"), text);
    for (String state : List.of("received", "parsed", "chunked", "embedded")) {
      assertEquals(0.0, after.get("quarry_ingest_documents{state=\"" + state + "\"}"), "every job is done: " + state);
    }
    assertEquals(0.0, after.get("quarry_ingest_queue_due"), text);
    assertTrue(text.contains("# TYPE quarry_ingest_documents gauge\n"), text);
    assertTrue(text.contains("# TYPE quarry_ingest_queue_due gauge\n"), text);
    assertValidExposition(text);
  }

  private static Map<String, Double> ingestGauges(String text) {
    Map<String, Double> out = new HashMap<>();
    text.lines().filter(l -> l.startsWith("quarry_ingest_")).forEach(l -> {
      int space = l.lastIndexOf(' ');
      out.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
    });
    assertEquals(7, out.size(), "six states and due: " + out);
    return out;
  }

  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")*})? "
          + "(-?[0-9.]+(E-?[0-9]+)?|\\+Inf|NaN)");

  /** Every line is a HELP, a TYPE or a sample; each family has one HELP and one TYPE, before its samples. */
  static void assertValidExposition(String text) {
    Set<String> typed = new HashSet<>();
    Set<String> helped = new HashSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        assertTrue(helped.add(line.split(" ")[2]), "HELP twice: " + line);
      } else if (line.startsWith("# TYPE ")) {
        assertTrue(typed.add(line.split(" ")[2]), "TYPE twice: " + line);
      } else {
        assertTrue(SAMPLE.matcher(line).matches(), "not a sample: '" + line + "'");
        String name = line.split("[{ ]")[0];
        String family = name.replaceFirst("_(bucket|sum|count)$", "");
        assertTrue(typed.contains(name) || typed.contains(family), "sample before its TYPE: " + line);
      }
    }
  }
}

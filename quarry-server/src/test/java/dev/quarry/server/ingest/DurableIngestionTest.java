package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.MovableClock;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Batch jobs, document states, conditional writes, deletion by filter, erasure and expiry, over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableIngestionTest {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final String NDJSON = "application/x-ndjson";

  final MovableClock clock = new MovableClock();
  TestApi api;
  String acme;
  String globex;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start(clock, c -> c);
    acme = api.tenantKey("acme", "ingest", "search");
    globex = api.tenantKey("globex", "ingest", "search");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  private void collection(String name) throws Exception {
    assertEquals(201, api.json("PUT", "/v1/collections/" + name, acme, "{}").status());
  }

  private static String line(String id, String title, String text, String metadata) {
    return "{\"_id\":\"" + id + "\",\"title\":\"" + title + "\",\"text\":\"" + text + "\",\"metadata\":" + metadata + "}\n";
  }

  private JsonNode awaitJob(String key, String job) throws Exception {
    return api.awaitBody("/v1/jobs/" + job, key, b -> !b.get("state").asText().equals("running"), WAIT);
  }

  @Test
  void aJsonlBatchIsAJobWhoseDocumentsAllEndUpIndexed() throws Exception {
    collection("batch");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      body.append(line("doc-" + i, "Title " + i, "Paragraph number " + i + " about harbour number" + i + " and ships.", "{\"n\":" + i + "}"));
    }
    body.append(line("lighthouse", "Lighthouse", "The keeper lit the lamp at dusk.", "{\"lang\":\"en\"}"));
    Reply accepted = api.call("POST", "/v1/collections/batch/documents", acme, NDJSON, body.toString());
    assertEquals(202, accepted.status(), accepted.body().toString());
    String job = accepted.body().get("id").asText();
    assertEquals("/v1/jobs/" + job, accepted.header("Location"));
    assertEquals(41, accepted.body().get("submitted").asInt());

    JsonNode done = awaitJob(acme, job);
    assertEquals("done", done.get("state").asText(), done.toString());
    assertEquals(41, done.get("counts").get("indexed").asInt());
    assertEquals(0, done.get("eta_seconds").asInt());
    assertTrue(done.get("rate_per_second").asDouble() > 0);
    assertNotNull(done.get("finished_at").textValue());

    assertEquals(List.of("lighthouse"), api.search(acme, "batch", "{\"query\":\"keeper lamp dusk\",\"mode\":\"lexical\",\"k\":1}"));
    String metrics = api.metrics();
    for (String stage : List.of("embed_documents", "index")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "quarry_stage_cpu_seconds_total\\{stage=\"" + stage + "\"} ([0-9.eE+-]+)").matcher(metrics);
      assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, "the worker's " + stage + " stage is measured");
    }
    Reply doc = api.json("GET", "/v1/collections/batch/documents/doc-7", acme, null);
    assertEquals(200, doc.status());
    assertEquals("indexed", doc.body().get("state").asText());
    assertEquals("Paragraph number 7 about harbour number7 and ships.", doc.body().get("text").asText());
    assertEquals(7, doc.body().get("metadata").get("n").asInt());
    assertEquals(job, doc.body().get("job").asText());
    assertEquals("\"" + doc.body().get("version").asLong() + "\"", doc.header("ETag"));
    Reply collection = api.json("GET", "/v1/collections/batch", acme, null);
    assertEquals(41, collection.body().get("ingestion").get("indexed").asInt());
    assertEquals(41, collection.body().get("documents").asInt());

    // the same batch again: nothing changes, the job is done at once
    Reply again = api.call("POST", "/v1/collections/batch/documents?refresh=wait_for", acme, NDJSON, body.toString());
    assertEquals(200, again.status());
    assertEquals(41, again.body().get("counts").get("indexed").asInt());

    // another tenant sees neither the job nor the documents
    assertEquals(404, api.json("GET", "/v1/jobs/" + job, globex, null).status());
    assertEquals(404, api.json("GET", "/v1/collections/batch/documents/doc-7", globex, null).status());
  }

  @Test
  void aRepeatedBatchWithTheSameIdempotencyKeyIsOneJob() throws Exception {
    collection("idem");
    String body = line("i1", "", "first idempotent line", "{}") + line("i2", "", "second idempotent line", "{}");
    Map<String, String> key = Map.of("Idempotency-Key", "batch-0001");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Reply first = api.call("POST", "/v1/collections/idem/documents", acme, NDJSON, bytes, key);
    assertEquals(202, first.status(), first.body().toString());
    Reply again = api.call("POST", "/v1/collections/idem/documents", acme, NDJSON, bytes, key);
    assertEquals(202, again.status());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertEquals(first.body().get("id").asText(), again.body().get("id").asText());
    JsonNode jobs = api.json("GET", "/v1/jobs?limit=1000", acme, null).body().get("jobs");
    long idemJobs = 0;
    for (JsonNode j : jobs) {
      idemJobs += j.get("collection").asText().equals("idem") ? 1 : 0;
    }
    assertEquals(1, idemJobs, "the repeat did not create a second job");
    JsonNode done = awaitJob(acme, first.body().get("id").asText());
    assertEquals(2, done.get("submitted").asInt());
    Reply other = api.call("POST", "/v1/collections/idem/documents", acme, NDJSON,
        (body + line("i3", "", "third", "{}")).getBytes(StandardCharsets.UTF_8), key);
    assertEquals(422, other.status());
    assertEquals("idempotency_conflict", other.body().get("code").asText());
  }

  @Test
  void aBadLineRejectsTheWholeBatchNamingTheLineAndStoresNothing() throws Exception {
    collection("strict");
    String body = line("ok", "Fine", "A fine line.", "{}") + "{\"_id\":\"bad\",\"text\":42}\n";
    Reply r = api.call("POST", "/v1/collections/strict/documents", acme, NDJSON, body);
    assertEquals(400, r.status(), r.body().toString());
    assertEquals(2, r.body().get("details").get("line").asInt());
    assertTrue(r.body().get("message").asText().startsWith("line 2: "), r.body().toString());
    assertEquals("/text", r.body().get("details").get("pointer").asText());
    assertEquals(404, api.json("GET", "/v1/collections/strict/documents/ok", acme, null).status());

    Reply dup = api.call("POST", "/v1/collections/strict/documents", acme, NDJSON, line("x", "", "one", "{}") + line("x", "", "two", "{}"));
    assertEquals(400, dup.status());
    assertTrue(dup.body().get("message").asText().contains("appears twice"), dup.body().toString());

    byte[] badUtf8 = {'{', '"', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertEquals(400, api.call("POST", "/v1/collections/strict/documents", acme, NDJSON, badUtf8, Map.of()).status());
    assertEquals(415, api.call("POST", "/v1/collections/strict/documents", acme, "text/csv", "a,b").status());
    assertEquals(0, api.json("GET", "/v1/collections/strict", acme, null).body().get("documents").asInt());
  }

  @Test
  void multipartFilesAreParsedByTypeAndAFileWithoutTextFailsWithItsReason() throws Exception {
    collection("files");
    String boundary = "quarry-boundary-42";
    String body = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"notes.md\"\r\nContent-Type: text/markdown\r\n\r\n"
        + "# Glaciers\n\nGlaciers carve valleys as the ice slowly flows downhill.\r\n"
        + "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"blank.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        + " \n \n\r\n"
        + "--" + boundary + "--\r\n";
    Reply r = api.call("POST", "/v1/collections/files/documents", acme, "multipart/form-data; boundary=" + boundary, body);
    assertEquals(202, r.status(), r.body().toString());
    JsonNode job = awaitJob(acme, r.body().get("id").asText());
    assertEquals("done_with_failures", job.get("state").asText(), job.toString());
    assertEquals(1, job.get("counts").get("indexed").asInt());
    assertEquals(1, job.get("counts").get("failed").asInt());
    assertEquals("blank.txt", job.get("failures").get(0).get("id").asText());
    assertFalse(job.get("failures").get(0).get("reason").asText().isBlank());

    assertEquals(List.of("notes.md"), api.search(acme, "files", "{\"query\":\"glaciers carve valleys\",\"mode\":\"lexical\"}"));
    Reply doc = api.json("GET", "/v1/collections/files/documents/notes.md", acme, null);
    assertEquals("text/markdown", doc.body().get("file").get("media_type").asText());
    Reply failed = api.json("GET", "/v1/collections/files/documents?state=failed", acme, null);
    assertEquals("blank.txt", failed.body().get("documents").get(0).get("id").asText());
  }

  @Test
  void conditionalWritesFollowTheVersion() throws Exception {
    collection("cas");
    Reply first = api.json("PUT", "/v1/collections/cas/documents/d?refresh=wait_for", acme, "{\"text\":\"first version\"}");
    assertEquals(200, first.status(), first.body().toString());
    String etag = first.header("ETag");
    long version = first.body().get("version").asLong();
    assertEquals("\"" + version + "\"", etag);

    Map<String, String> stale = Map.of("If-Match", "\"" + (version + 100) + "\"");
    Reply conflict = api.call("PUT", "/v1/collections/cas/documents/d", acme, "application/json",
        "{\"text\":\"lost update\"}".getBytes(StandardCharsets.UTF_8), stale);
    assertEquals(412, conflict.status(), conflict.body().toString());
    assertEquals("precondition_failed", conflict.body().get("code").asText());
    Reply createOnly = api.call("PUT", "/v1/collections/cas/documents/d", acme, "application/json",
        "{\"text\":\"again\"}".getBytes(StandardCharsets.UTF_8), Map.of("If-None-Match", "*"));
    assertEquals(412, createOnly.status());
    assertEquals(412, api.call("DELETE", "/v1/collections/cas/documents/d", acme, null, null, stale).status());
    assertEquals("first version", api.json("GET", "/v1/collections/cas/documents/d", acme, null).body().get("text").asText());

    Reply second = api.call("PUT", "/v1/collections/cas/documents/d", acme, "application/json",
        "{\"text\":\"second version\"}".getBytes(StandardCharsets.UTF_8), Map.of("If-Match", etag));
    assertEquals(200, second.status(), second.body().toString());
    assertTrue(second.body().get("version").asLong() > version);
    assertEquals(200, api.call("DELETE", "/v1/collections/cas/documents/d", acme, null, null,
        Map.of("If-Match", second.header("ETag"))).status());
    assertEquals(404, api.json("GET", "/v1/collections/cas/documents/d", acme, null).status());
  }

  @Test
  void deleteByFilterAndErasureRemoveEveryMatchingDocumentForGood() throws Exception {
    collection("people");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      String subject = i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : "carol";
      body.append(line("p" + i, "Note " + i, "Meeting notes about the quarterly zephyr plan, item " + i + ".",
          "{\"subject\":\"" + subject + "\"}"));
    }
    Reply r = api.call("POST", "/v1/collections/people/documents?refresh=wait_for", acme, NDJSON, body.toString());
    assertEquals(200, r.status(), r.body().toString());
    String all = "{\"query\":\"zephyr plan\",\"mode\":\"hybrid\",\"k\":20}";
    assertEquals(12, api.search(acme, "people", all).size());

    Reply deleted = api.json("POST", "/v1/collections/people/deletions", acme,
        "{\"filter\":{\"term\":{\"field\":\"subject\",\"value\":\"bob\"}}}");
    assertEquals(200, deleted.status(), deleted.body().toString());
    assertEquals(4, deleted.body().get("deleted").asInt());
    List<String> left = api.search(acme, "people", all);
    assertEquals(8, left.size());
    assertFalse(left.contains("p1") || left.contains("p4"));
    assertEquals(404, api.json("GET", "/v1/collections/people/documents/p1", acme, null).status());

    Reply receipt = api.json("POST", "/v1/erasures", acme, "{\"key\":\"subject\",\"value\":\"alice\"}");
    assertEquals(202, receipt.status(), receipt.body().toString());
    String id = receipt.body().get("id").asText();
    assertEquals(404, api.json("GET", "/v1/erasures/" + id, globex, null).status());
    JsonNode purged = api.awaitBody("/v1/erasures/" + id, acme, b -> b.get("status").asText().equals("purged"), WAIT);
    assertEquals(4, purged.get("documents_deleted").asInt());
    List<String> remaining = api.search(acme, "people", all);
    assertEquals(List.of("p11", "p2", "p5", "p8"), remaining.stream().sorted().toList());
  }

  @Test
  void aCollectionsSearchDefaultsApplyUntilARequestOverridesThem() throws Exception {
    Reply created = api.json("PUT", "/v1/collections/defaults", acme, "{\"search\":{\"mode\":\"lexical\",\"k\":1}}");
    assertEquals(201, created.status(), created.body().toString());
    assertEquals("lexical", created.body().get("search").get("mode").asText());
    assertEquals(0.6, created.body().get("search").get("vector_weight").asDouble());
    for (String id : List.of("a", "b", "c")) {
      assertEquals(200, api.json("PUT", "/v1/collections/defaults/documents/" + id, acme,
          "{\"text\":\"walrus colony number " + id + "\"}").status());
    }
    assertEquals(1, api.search(acme, "defaults", "{\"query\":\"walrus\"}").size());
    assertEquals(3, api.search(acme, "defaults", "{\"query\":\"walrus\",\"k\":5}").size());
    Reply explained = api.json("POST", "/v1/collections/defaults/search", acme, "{\"query\":\"walrus\",\"explain\":true}");
    assertEquals(1, explained.body().get("hits").get(0).get("explain").get("retrievers").size(), "lexical only");

    // defaults can change at any time; bad ones are refused with a pointer
    assertEquals(200, api.json("PUT", "/v1/collections/defaults", acme, "{\"search\":{\"k\":2,\"fusion\":\"rrf\"}}").status());
    Reply got = api.json("GET", "/v1/collections/defaults", acme, null);
    assertEquals("hybrid", got.body().get("search").get("mode").asText());
    assertEquals("rrf", got.body().get("search").get("fusion").asText());
    assertEquals(2, api.search(acme, "defaults", "{\"query\":\"walrus\"}").size());
    Reply bad = api.json("PUT", "/v1/collections/defaults", acme, "{\"search\":{\"k\":0}}");
    assertEquals(400, bad.status());
    assertEquals("/search/k", bad.body().get("details").get("pointer").asText());
    Reply unknown = api.json("PUT", "/v1/collections/defaults", acme, "{\"search\":{\"size\":3}}");
    assertEquals(400, unknown.status());
    assertEquals("/search/size", unknown.body().get("details").get("pointer").asText());
  }

  @Test
  void anExpiredDocumentDisappears() throws Exception {
    collection("ttl");
    String inAnHour = clock.instant().plus(Duration.ofHours(1)).toString();
    assertEquals(200, api.json("PUT", "/v1/collections/ttl/documents/brief", acme,
        "{\"text\":\"an ephemeral quokka sighting\",\"expires_at\":\"" + inAnHour + "\"}").status());
    assertEquals(200, api.json("PUT", "/v1/collections/ttl/documents/lasting", acme,
        "{\"text\":\"a lasting quokka census\"}").status());
    String q = "{\"query\":\"quokka\",\"mode\":\"lexical\"}";
    assertEquals(2, api.search(acme, "ttl", q).size());

    clock.advance(Duration.ofHours(2)); // the server's time, not the test's: nothing sleeps
    assertEquals(404, api.json("GET", "/v1/collections/ttl/documents/brief", acme, null).status(), "expired on read");
    // The worker deletes expired documents at the start of a pass (at most once per refresh interval
    // of the server's clock, which just moved two hours). The second job is taken by a pass that
    // started after the first job was done, so after the clock moved: it expired 'brief' first.
    for (String id : List.of("wake-1", "wake-2")) {
      Reply done = api.call("POST", "/v1/collections/ttl/documents?refresh=wait_for", acme, NDJSON,
          line(id, "", "a job that wakes the worker", "{}"));
      assertEquals(200, done.status(), done.body().toString());
    }
    assertEquals(List.of("lasting"), api.search(acme, "ttl", q));
    assertEquals(404, api.json("GET", "/v1/collections/ttl/documents/brief", acme, null).status());
    assertEquals(400, api.json("PUT", "/v1/collections/ttl/documents/x", acme,
        "{\"text\":\"t\",\"expires_at\":\"tomorrow\"}").status());
  }
}

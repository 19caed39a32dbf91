package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a client's write does to a document, over HTTP: a rejected write changes nothing (issue 7,
 * item 5), the version moves only with the client's changes (item 11), and a job outlives its
 * collection for its retention (item 14).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentWritesTest {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final String NDJSON = "application/x-ndjson";
  static final String BOUNDARY = "writes-boundary-7";

  TestApi api;
  String acme;
  String globex;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start();
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

  private JsonNode usageTotals() throws Exception {
    Reply r = api.json("GET", "/v1/usage", acme, null);
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("totals");
  }

  private JsonNode awaitJob(String job) throws Exception {
    return api.awaitBody("/v1/jobs/" + job, acme, b -> !b.get("state").asText().equals("running"), WAIT);
  }

  private static String file(String name, String content) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
        + "Content-Type: text/plain\r\n\r\n" + content + "\r\n";
  }

  // ---- item 5: a rejected write changes nothing ---------------------------------------------------

  @Test
  void aRejectedUpsertStoresNothingAndCountsNothing() throws Exception {
    collection("rejected");
    JsonNode before = usageTotals();
    Map<String, String> bodies = Map.of(
        "empty", "{\"text\":\"\"}",
        "blank", "{\"text\":\" \\n\\t \"}",
        "no-text", "{\"title\":\"only a title\"}",
        "huge", "{\"text\":\"" + "a".repeat(5_000_001) + "\"}",
        "bad-metadata", "{\"text\":\"fine\",\"metadata\":{\"k\":{\"nested\":true}}}",
        "bad-expiry", "{\"text\":\"fine\",\"expires_at\":\"tomorrow\"}");
    for (Map.Entry<String, String> e : bodies.entrySet()) {
      String path = "/v1/collections/rejected/documents/" + e.getKey();
      Reply r = api.json("PUT", path, acme, e.getValue());
      assertEquals(400, r.status(), e.getKey() + ": " + r.body());
      assertEquals("invalid_input", r.body().get("code").asText(), e.getKey() + ": " + r.body());
      assertEquals(404, api.json("GET", path, acme, null).status(), e.getKey() + " was stored");
    }
    assertEquals(0, api.json("GET", "/v1/collections/rejected/documents", acme, null).body().get("documents").size());
    assertEquals(before, usageTotals(), "rejected writes are not metered");
  }

  @Test
  void aRejectedReplacementLeavesTheDocumentAsItWas() throws Exception {
    collection("kept");
    Reply first = api.json("PUT", "/v1/collections/kept/documents/d", acme, "{\"text\":\"the original text\"}");
    assertEquals(200, first.status(), first.body().toString());
    JsonNode before = usageTotals();
    Reply bad = api.json("PUT", "/v1/collections/kept/documents/d", acme, "{\"text\":\"\"}");
    assertEquals(400, bad.status(), bad.body().toString());
    JsonNode doc = api.json("GET", "/v1/collections/kept/documents/d", acme, null).body();
    assertEquals("indexed", doc.get("state").asText());
    assertEquals("the original text", doc.get("text").asText());
    assertEquals(first.body().get("version").asLong(), doc.get("version").asLong());
    assertEquals(before, usageTotals());
  }

  @Test
  void aBatchWithOneRejectedLineOrFileStoresNoneOfIt() throws Exception {
    collection("rejected-batch");
    JsonNode before = usageTotals();
    String lines = "{\"_id\":\"good\",\"text\":\"a good line\"}\n{\"_id\":\"bad\",\"text\":\"\"}\n";
    Reply r = api.call("POST", "/v1/collections/rejected-batch/documents", acme, NDJSON, lines);
    assertEquals(400, r.status(), r.body().toString());
    assertEquals(2, r.body().get("details").get("line").asInt(), r.body().toString());
    assertEquals("/text", r.body().get("details").get("pointer").asText(), r.body().toString());

    String files = file("good.txt", "a good file") + file("empty.txt", "") + "--" + BOUNDARY + "--\r\n";
    Reply upload = api.call("POST", "/v1/collections/rejected-batch/documents", acme,
        "multipart/form-data; boundary=" + BOUNDARY, files);
    assertEquals(400, upload.status(), upload.body().toString());
    assertTrue(upload.body().get("message").asText().contains("empty.txt"), upload.body().toString());

    for (String id : new String[] {"good", "bad", "good.txt", "empty.txt"}) {
      assertEquals(404, api.json("GET", "/v1/collections/rejected-batch/documents/" + id, acme, null).status(), id);
    }
    assertEquals(0, api.json("GET", "/v1/jobs?limit=1000", acme, null).body().get("jobs").findValuesAsText("collection")
        .stream().filter("rejected-batch"::equals).count(), "no job was created");
    assertEquals(before, usageTotals());
  }

  @Test
  void anUploadIsParsedAsItStreamsAndATruncatedOneIsRefusedWhole() throws Exception {
    collection("uploads");
    String quoted = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"minutes; \\\"final\\\".txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\nThe committee approved the lighthouse budget.\r\n";
    String body = quoted + file("second.txt", "A second uploaded file.") + "--" + BOUNDARY + "--\r\n";
    Reply ok = api.call("POST", "/v1/collections/uploads/documents?refresh=wait_for", acme,
        "multipart/form-data; boundary=" + BOUNDARY, body);
    assertEquals(200, ok.status(), ok.body().toString());
    assertEquals(2, ok.body().get("counts").get("indexed").asInt(), ok.body().toString());
    JsonNode doc = api.json("GET", "/v1/collections/uploads/documents/" + java.net.URLEncoder.encode(
        "minutes; \"final\".txt", StandardCharsets.UTF_8).replace("+", "%20"), acme, null).body();
    assertEquals("minutes; \"final\".txt", doc.get("file").get("name").asText(), doc.toString());

    JsonNode before = usageTotals();
    String whole = file("third.txt", "x".repeat(100_000)) + "--" + BOUNDARY + "--\r\n";
    Reply cut = api.call("POST", "/v1/collections/uploads/documents", acme, "multipart/form-data; boundary=" + BOUNDARY,
        whole.substring(0, whole.length() / 2));
    assertEquals(400, cut.status(), cut.body().toString());
    assertTrue(cut.body().get("message").asText().contains("truncated"), cut.body().toString());
    assertEquals(404, api.json("GET", "/v1/collections/uploads/documents/third.txt", acme, null).status());
    assertEquals(before, usageTotals());
  }

  // ---- item 11: the version a client sees moves only with the client's changes ----------------------

  @Test
  void theVersionIsOneAfterCreationAndMovesOnlyWhenTheClientChangesTheDocument() throws Exception {
    collection("versions");
    String path = "/v1/collections/versions/documents/d";
    Reply created = api.json("PUT", path, acme, "{\"text\":\"first text\"}");
    assertEquals(200, created.status(), created.body().toString());
    assertEquals(1, created.body().get("version").asLong());
    assertEquals("\"1\"", created.header("ETag"));
    assertEquals("indexed", created.body().get("state").asText());
    assertFalse(created.body().has("status"), "one field says where the document is: state");
    assertTrue(created.body().get("changed").asBoolean());

    JsonNode indexed = api.json("GET", path, acme, null).body();
    assertEquals(1, indexed.get("version").asLong(), "indexing is no change of the client's");

    Reply same = api.call("PUT", path, acme, "application/json",
        "{\"text\":\"first text\"}".getBytes(StandardCharsets.UTF_8), Map.of("If-Match", "\"1\""));
    assertEquals(200, same.status(), same.body().toString());
    assertEquals(1, same.body().get("version").asLong());
    assertFalse(same.body().get("changed").asBoolean());

    Reply replaced = api.call("PUT", path, acme, "application/json",
        "{\"text\":\"second text\"}".getBytes(StandardCharsets.UTF_8), Map.of("If-Match", created.header("ETag")));
    assertEquals(200, replaced.status(), replaced.body().toString());
    assertEquals(2, replaced.body().get("version").asLong());
    Reply metadata = api.json("PUT", path, acme, "{\"text\":\"second text\",\"metadata\":{\"lang\":\"en\"}}");
    assertEquals(3, metadata.body().get("version").asLong(), "a metadata change is a change");
    assertEquals(412, api.call("PUT", path, acme, "application/json",
        "{\"text\":\"late\"}".getBytes(StandardCharsets.UTF_8), Map.of("If-Match", "\"2\"")).status());
  }

  @Test
  void theVersionReadRightAfterABatchStillMatchesOnceItIsIndexed() throws Exception {
    collection("batch-versions");
    Reply batch = api.call("POST", "/v1/collections/batch-versions/documents", acme, NDJSON,
        "{\"_id\":\"b1\",\"text\":\"a batch document about tides\"}\n");
    assertEquals(202, batch.status(), batch.body().toString());
    Reply early = api.json("GET", "/v1/collections/batch-versions/documents/b1", acme, null);
    assertEquals(1, early.body().get("version").asLong(), early.body().toString());
    assertEquals("done", awaitJob(batch.body().get("id").asText()).get("state").asText());
    JsonNode indexed = api.json("GET", "/v1/collections/batch-versions/documents/b1", acme, null).body();
    assertEquals("indexed", indexed.get("state").asText());
    assertEquals(1, indexed.get("version").asLong());

    Reply conditional = api.call("PUT", "/v1/collections/batch-versions/documents/b1", acme, "application/json",
        "{\"text\":\"replaced after indexing\"}".getBytes(StandardCharsets.UTF_8), Map.of("If-Match", early.header("ETag")));
    assertEquals(200, conditional.status(), conditional.body().toString());
    assertEquals(2, conditional.body().get("version").asLong());
  }

  // ---- item 14: a job outlives its collection for its retention ------------------------------------

  @Test
  void aJobOfADeletedCollectionStaysReadableAndSaysItsDocumentsWentWithIt() throws Exception {
    collection("dropped");
    Reply batch = api.call("POST", "/v1/collections/dropped/documents?refresh=wait_for", acme, NDJSON,
        "{\"_id\":\"a\",\"text\":\"first dropped document\"}\n{\"_id\":\"b\",\"text\":\"second dropped document\"}\n");
    assertEquals(200, batch.status(), batch.body().toString());
    String job = batch.body().get("id").asText();
    assertEquals(200, api.json("DELETE", "/v1/collections/dropped", acme, null).status());

    Reply after = api.json("GET", "/v1/jobs/" + job, acme, null);
    assertEquals(200, after.status(), after.body().toString());
    assertEquals("collection_deleted", after.body().get("state").asText());
    assertFalse(after.body().get("collection_deleted_at").isNull());
    assertEquals(2, after.body().get("counts").get("indexed").asInt(), "the counts it had");
    assertEquals(2, after.body().get("submitted").asInt());
    assertEquals(404, api.json("GET", "/v1/jobs/" + job, globex, null).status(), "still the tenant's own");
    assertEquals(404, api.json("GET", "/v1/collections/dropped/documents/a", acme, null).status());
  }

  @Test
  void finishedJobsAreDeletedOnceTheirRetentionHasPassed() throws Exception {
    try (TestApi shortLived = TestApi.start(c -> c.withIngest(c.ingest().withJobRetention(Duration.ofSeconds(1))))) {
      String key = shortLived.tenantKey("brief", "ingest", "search");
      assertEquals(201, shortLived.json("PUT", "/v1/collections/c", key, "{}").status());
      Reply batch = shortLived.call("POST", "/v1/collections/c/documents?refresh=wait_for", key, NDJSON,
          "{\"_id\":\"x\",\"text\":\"a short lived job\"}\n");
      assertEquals(200, batch.status(), batch.body().toString());
      String job = batch.body().get("id").asText();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status = 200;
      while (status == 200 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        status = shortLived.json("GET", "/v1/jobs/" + job, key, null).status();
      }
      assertEquals(404, status, "the worker deletes a job once its retention has passed");
      JsonNode doc = shortLived.json("GET", "/v1/collections/c/documents/x", key, null).body();
      assertEquals("indexed", doc.get("state").asText(), "its documents stay");
      assertTrue(doc.get("job").isNull(), "and name no job that is gone");
    }
  }
}

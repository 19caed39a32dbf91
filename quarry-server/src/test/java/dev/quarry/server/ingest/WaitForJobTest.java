package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ?refresh=wait_for} on a batch: it answers when the job is done, 202 with the job as it
 * stands once its timeout (the request's or {@code ingest.wait_timeout}) passes, and a retryable
 * 503 at once when the server shuts down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaitForJobTest {

  static final String NDJSON = "application/x-ndjson";
  /** Enough one-document batches that the job is still running long after the test's requests. */
  static final int LARGE = 400;

  TestApi api;
  String acme;

  @BeforeAll
  void start() throws Exception {
    api = TestApi.start(c -> c.withIngest(c.ingest().withBatchDocuments(1).withWaitTimeout(Duration.ofMillis(200))));
    acme = api.tenantKey("acme", "ingest", "search");
  }

  @AfterAll
  void stop() throws Exception {
    api.close();
  }

  static String lines(String prefix, int n) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append("{\"_id\":\"").append(prefix).append(i).append("\",\"text\":\"Note ").append(i)
          .append(" about ").append(prefix).append(" and the harbour.\"}\n");
    }
    return body.toString();
  }

  private void collection(TestApi on, String key, String name) throws Exception {
    assertEquals(201, on.json("PUT", "/v1/collections/" + name, key, "{}").status());
  }

  private int jobs(String collection) throws Exception {
    int n = 0;
    for (JsonNode j : api.json("GET", "/v1/jobs?limit=1000", acme, null).body().get("jobs")) {
      n += j.get("collection").asText().equals(collection) ? 1 : 0;
    }
    return n;
  }

  @Test
  void aWaitReturnsTheFinishedJobOnceItIsDone() throws Exception {
    collection(api, acme, "quick");
    Reply r = api.call("POST", "/v1/collections/quick/documents?refresh=wait_for&timeout=5m", acme, NDJSON,
        lines("quick", 3));
    assertEquals(200, r.status(), r.body().toString());
    assertEquals("done", r.body().get("state").asText());
    assertEquals(3, r.body().get("counts").get("indexed").asInt());
    assertNotNull(r.body().get("finished_at").textValue());
  }

  @Test
  void aWaitThatRunsOutAnswers202WithTheJobAsItStands() throws Exception {
    collection(api, acme, "slow");
    Reply asked = api.call("POST", "/v1/collections/slow/documents?refresh=wait_for&timeout=100ms", acme, NDJSON,
        lines("slow", LARGE));
    assertEquals(202, asked.status(), asked.body().toString());
    assertEquals("running", asked.body().get("state").asText());
    assertEquals(LARGE, asked.body().get("submitted").asInt());
    assertEquals("/v1/jobs/" + asked.body().get("id").asText(), asked.header("Location"));

    Reply byDefault = api.call("POST", "/v1/collections/slow/documents?refresh=wait_for", acme, NDJSON,
        lines("slow-more", 50));
    assertEquals(202, byDefault.status(), "ingest.wait_timeout (200ms here) applies: " + byDefault.body());
    assertEquals("running", byDefault.body().get("state").asText());
  }

  @Test
  void aBadTimeoutIsRefusedBeforeAnythingIsStored() throws Exception {
    collection(api, acme, "strict");
    String body = lines("strict", 1);
    for (String[] c : new String[][] {
        {"refresh=wait_for&timeout=soon", "timeout must be a duration such as 500ms, 10s or 2m, got: 'soon'"},
        {"refresh=wait_for&timeout=11m", "timeout must be at most 10m, got: 11m"},
        {"refresh=wait_for&timeout=-1s", "timeout must be a duration such as 500ms, 10s or 2m, got: '-1s'"},
        {"timeout=10s", "timeout applies only with refresh=wait_for, got timeout=10s without it"}}) {
      Reply r = api.call("POST", "/v1/collections/strict/documents?" + c[0], acme, NDJSON, body);
      assertEquals(400, r.status(), c[0] + ": " + r.body());
      assertEquals(c[1], r.body().get("message").asText());
      assertEquals("timeout", r.body().get("details").get("parameter").asText());
    }
    assertEquals(0, jobs("strict"), "no job was created");
    assertEquals(404, api.json("GET", "/v1/collections/strict/documents/strict0", acme, null).status());
  }

  @Test
  void closingTheServerEndsAWaitingRequestAtOnceWithARetryable503() throws Exception {
    TestApi own = TestApi.start(c -> c.withIngest(c.ingest().withBatchDocuments(1)));
    String key = own.tenantKey("acme", "ingest", "search");
    collection(own, key, "big");
    CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return own.call("POST", "/v1/collections/big/documents?refresh=wait_for&timeout=10m", key, NDJSON,
            lines("big", LARGE));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // the request waits once its job holds every document
    own.awaitBody("/v1/jobs?limit=10", key, b -> b.get("jobs").size() == 1
        && b.get("jobs").get(0).get("submitted").asInt() == LARGE, Duration.ofSeconds(60));
    assertTrue(!waiting.isDone(), "still waiting for the job");

    long started = System.nanoTime();
    own.close();
    long closeMillis = (System.nanoTime() - started) / 1_000_000;
    Reply r = waiting.get(10, TimeUnit.SECONDS);
    assertEquals(503, r.status(), r.body().toString());
    assertEquals("shutting_down", r.body().get("code").asText());
    assertTrue(r.body().get("retryable").asBoolean());
    assertTrue(r.body().get("message").asText().contains("is stored"), r.body().toString());
    assertTrue(closeMillis < 10_000, "closing took " + closeMillis + " ms; it must not wait for the job");
  }
}

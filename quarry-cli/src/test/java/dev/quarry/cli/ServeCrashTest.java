package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of durable ingestion, end to end: {@code quarry serve} runs as its own process, takes
 * batch uploads, and is killed with SIGKILL while it is indexing them. After a restart on the same
 * data directory every document whose upload was acknowledged ends up indexed exactly once, and
 * search answers while the server runs, before the crash and while it catches up.
 */
class ServeCrashTest {

  private static final String ADMIN = "crash-test-admin-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SERVING = Pattern.compile("serving on http://([^:]+):(\\d+)");
  private static final int BATCHES = 3;
  private static final int PER_BATCH = 300;

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A running server process and its base URI. */
  private record Server(Process process, String base) {}

  private Server start() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx768m",
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        "dev.quarry.cli.Main", "serve", "--port", "0", "--data-dir", dataDir.toString());
    pb.environment().put("QUARRY_ADMIN_KEY", ADMIN);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    CompletableFuture<String> base = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          Matcher m = SERVING.matcher(line);
          if (m.find()) {
            base.complete("http://" + m.group(1) + ":" + m.group(2));
          } else if (!line.startsWith("{")) {
            System.err.println("[server] " + line);
          }
        }
      } catch (Exception ignored) {
        // the process was killed
      }
      base.completeExceptionally(new IllegalStateException("server exited before serving"));
    });
    return new Server(p, base.get(120, TimeUnit.SECONDS));
  }

  private HttpResponse<String> send(String method, String uri, String key, String type, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static String batch(int b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < PER_BATCH; i++) {
      String id = "b" + b + "-" + i;
      sb.append("{\"_id\":\"").append(id).append("\",\"title\":\"Report ").append(id)
          .append("\",\"text\":\"Field report token").append(b).append('x').append(i)
          .append(" on tidal marshes, migrating birds and the salt content of estuary water in the spring survey. ")
          .append("Observers counted herons, egrets and sandpipers along the channel at low tide.\"}\n");
    }
    return sb.toString();
  }

  @Test
  void everyAcknowledgedDocumentIsIndexedExactlyOnceAfterAKillMidIngestion() throws Exception {
    Server first = start();
    String key;
    try {
      ok(send("POST", first.base() + "/v1/tenants", ADMIN, "application/json", "{\"id\":\"acme\"}"), 201);
      key = ok(send("POST", first.base() + "/v1/tenants/acme/keys", ADMIN, "application/json",
          "{\"scopes\":[\"ingest\",\"search\"]}"), 201).get("key").asText();
      ok(send("PUT", first.base() + "/v1/collections/field", key, "application/json", "{}"), 201);

      Set<String> acknowledged = new LinkedHashSet<>();
      for (int b = 0; b < BATCHES; b++) {
        ok(send("POST", first.base() + "/v1/collections/field/documents", key, "application/x-ndjson", batch(b)), 202);
        for (int i = 0; i < PER_BATCH; i++) {
          acknowledged.add("b" + b + "-" + i);
        }
      }
      // search answers while the worker indexes; kill once some but not all documents are indexed
      AtomicInteger searches = new AtomicInteger();
      Instant deadline = Instant.now().plusSeconds(120);
      long indexed = 0;
      while (Instant.now().isBefore(deadline)) {
        ok(send("POST", first.base() + "/v1/collections/field/search", key, "application/json",
            "{\"query\":\"herons in the estuary\",\"k\":5}"), 200);
        searches.incrementAndGet();
        indexed = ok(send("GET", first.base() + "/v1/collections/field", key, null, null), 200)
            .get("ingestion").get("indexed").asLong();
        if (indexed >= 40) {
          break;
        }
        Thread.sleep(50);
      }
      assertTrue(indexed >= 40 && indexed < BATCHES * PER_BATCH,
          "the kill must land mid-ingestion; indexed: " + indexed);
      first.process().destroyForcibly(); // SIGKILL
      assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
      assertTrue(searches.get() > 0);

      Server second = start();
      try {
        JsonNode collection = null;
        Instant until = Instant.now().plusSeconds(300);
        while (Instant.now().isBefore(until)) {
          ok(send("POST", second.base() + "/v1/collections/field/search", key, "application/json",
              "{\"query\":\"sandpipers at low tide\",\"k\":5}"), 200);
          collection = ok(send("GET", second.base() + "/v1/collections/field", key, null, null), 200);
          if (collection.get("ingestion").get("indexed").asLong() == acknowledged.size()) {
            break;
          }
          Thread.sleep(200);
        }
        JsonNode states = collection.get("ingestion");
        assertEquals(acknowledged.size(), states.get("indexed").asLong(), "every acknowledged document indexed: " + collection);
        assertEquals(0, states.get("failed").asLong());
        // exactly once: one index record and one chunk per document, nothing else
        assertEquals(acknowledged.size(), collection.get("documents").asLong(), collection.toString());
        assertEquals(acknowledged.size(), collection.get("chunks").asLong(), collection.toString());
        List<String> sample = new ArrayList<>(List.of("b0-0", "b1-77", "b2-299"));
        for (String id : sample) {
          String token = "token" + id.substring(1).replace('-', 'x');
          JsonNode hits = ok(send("POST", second.base() + "/v1/collections/field/search", key, "application/json",
              "{\"query\":\"" + token + "\",\"mode\":\"lexical\",\"k\":10}"), 200).get("hits");
          assertEquals(1, hits.size(), token + ": " + hits);
          assertEquals(id, hits.get(0).get("id").asText());
        }
      } finally {
        second.process().destroy();
        second.process().waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      first.process().destroyForcibly();
    }
  }
}

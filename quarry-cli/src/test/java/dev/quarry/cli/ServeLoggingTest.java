package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./quarry serve} as its own process: every line it writes is one JSON log object (its own
 * lines, the access log, libraries' lines), start-up and shutdown are logged, and SIGTERM stops it
 * cleanly with exit code 0, every access line queued before it written.
 */
class ServeLoggingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Requests made right before SIGTERM. */
  private static final int BURST = 200;
  private static final Pattern SERVING = Pattern.compile("serving on http://([^:]+):(\\d+)");

  @TempDir Path dataDir;

  @Test
  void everyLineIsStructuredJsonAndSigtermStopsCleanlyWithExitZero() throws Exception {
    // through the launcher, as a user starts it (it execs the JVM, so SIGTERM reaches the JVM)
    Path root = Path.of(System.getProperty("quarry.root", Path.of("").toAbsolutePath().getParent().toString()));
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("quarry").toString(),
        "serve", "--port", "0", "--data-dir", dataDir.toString());
    pb.environment().put("QUARRY_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("QUARRY_ADMIN_KEY", "logging-test-admin-key-0123456789");
    pb.environment().remove("QUARRY_LOG_LEVEL");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<String> base = new CompletableFuture<>();
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          lines.add(line);
          Matcher m = SERVING.matcher(line);
          if (m.find()) {
            base.complete("http://" + m.group(1) + ":" + m.group(2));
          }
        }
      } catch (Exception ignored) {
        // the process ended
      }
      base.completeExceptionally(new IllegalStateException("server exited before serving: " + lines));
    });
    try {
      String url = base.get(120, TimeUnit.SECONDS);
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url + "/healthz")).header("X-Request-Id", "req-logging-1").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < BURST; i++) { // access lines queued just before the stop are still written
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(url + "/healthz"))
            .header("X-Request-Id", "req-burst-" + i).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
      }

      p.toHandle().destroy(); // SIGTERM (Process.destroy would also close the stream we read)
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
      reader.join(10_000);
      assertEquals(0, p.exitValue(), "a clean stop exits 0:\n" + String.join("\n", lines));
    } finally {
      p.destroyForcibly();
    }

    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      JsonNode event;
      try {
        event = JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
      for (String field : List.of("timestamp", "level", "logger", "message")) {
        assertTrue(event.hasNonNull(field), field + " in " + line);
      }
      Instant.parse(event.get("timestamp").asText());
      events.add(event);
    }
    JsonNode start = find(events, "dev.quarry.server.QuarryServer", "serving on").orElseThrow();
    assertEquals("INFO", start.get("level").asText());
    assertTrue(start.get("address").asText().startsWith("http://127.0.0.1:"), start.toString());
    assertEquals("sqlite", start.get("store").asText());
    assertEquals(dataDir.toString(), start.get("data_dir").asText());
    assertEquals("bge-small-en-v1.5-q", start.get("default_model").asText());

    // access lines are written off the request thread: the next request's may come first
    JsonNode access = events.stream()
        .filter(e -> e.get("logger").asText().equals("quarry.access")
            && e.path("request_id").asText().equals("req-logging-1"))
        .findFirst().orElseThrow(() -> new AssertionError("no access line for req-logging-1: " + lines));
    assertTrue(access.get("message").asText().contains("GET /healthz"), access.toString());
    assertEquals(32, access.get("trace_id").asText().length(), access.toString());
    assertEquals(16, access.get("span_id").asText().length(), access.toString());
    assertEquals("GET", access.get("method").asText());
    assertEquals("/healthz", access.get("route").asText());
    assertEquals(200, access.get("status").asInt());
    assertTrue(access.get("duration_ms").isNumber(), access.toString());
    assertFalse(access.has("tenant"), "an unauthenticated request has no tenant: " + access);

    for (int i = 0; i < BURST; i++) {
      String id = "req-burst-" + i;
      assertTrue(events.stream().anyMatch(e -> e.get("logger").asText().equals("quarry.access")
          && e.path("request_id").asText().equals(id)), "the access line of " + id + " is written before the exit");
    }

    // a library's SLF4J lines are no longer discarded: the store's connection pool logs its start
    assertTrue(events.stream().anyMatch(e -> e.get("logger").asText().startsWith("com.zaxxer.hikari")),
        "HikariCP's lines: " + lines);
    assertTrue(find(events, "dev.quarry.server.QuarryServer", "stopping").isPresent(), lines.toString());
    List<JsonNode> own = events.stream().filter(e -> !e.get("logger").asText().equals("quarry.access")).toList();
    assertEquals("stopped", own.getLast().get("message").asText(), "the last line besides access lines: " + own.getLast());
  }

  @Test
  void javaUtilLoggingLinesJoinTheJsonStream() throws Exception {
    Logging.configure(Optional.of("serve"), Optional.empty());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      java.util.logging.Logger.getLogger("org.example.jul").warning("a JUL warning");
      System.getLogger("org.example.platform").log(System.Logger.Level.WARNING, "a System.Logger warning");
    } finally {
      System.setErr(stderr);
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) {
      events.add(JSON.readTree(line));
    }
    JsonNode jul = find(events, "org.example.jul", "a JUL warning").orElseThrow(() -> new AssertionError(events));
    assertEquals("WARN", jul.get("level").asText());
    assertFalse(find(events, "org.example.platform", "a System.Logger warning").isEmpty(), events.toString());
  }

  private static Optional<JsonNode> find(List<JsonNode> events, String logger, String message) {
    return events.stream()
        .filter(e -> e.get("logger").asText().equals(logger) && e.get("message").asText().contains(message))
        .findFirst();
  }
}

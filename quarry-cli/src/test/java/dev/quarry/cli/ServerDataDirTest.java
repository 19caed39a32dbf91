package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.server.QuarryServer;
import dev.quarry.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line beside a running server on the same data directory: commands that change data
 * are refused (they would change the index behind the server's store), commands that read work.
 */
class ServerDataDirTest {

  private static final String ADMIN = "cli-beside-server-admin-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  @TempDir Path files;
  private final HttpClient http = HttpClient.newHttpClient();

  private record Ran(int exit, String out, String err) {}

  /** Runs the CLI in this process, capturing what it prints. */
  private Ran cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(new PrintWriter(System.out, true), new PrintWriter(err, true), args);
      return new Ran(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  private JsonNode call(QuarryServer server, String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() < 300, method + " " + path + ": " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void readCommandsOnAMissingDataDirectoryFindNothingAndCreateNothing() {
    Path missing = files.resolve("no-data-here");
    Ran listed = cli("collections", "--data-dir", missing.toString());
    assertEquals(0, listed.exit(), listed.err());
    assertEquals("no collections in " + missing + "\n", listed.out());
    Ran search = cli("search", "x", "-c", "docs", "--data-dir", missing.toString());
    assertEquals(3, search.exit());
    assertTrue(search.err().contains("collection 'docs' does not exist"), search.err());
    assertTrue(!Files.exists(missing), "a read does not create the directory");
  }

  @Test
  void writeCommandsAreRefusedAndReadCommandsWorkWhileAServerHoldsTheDirectory() throws Exception {
    Path file = Files.writeString(files.resolve("notes.txt"), "Notes\nHerons wade in the tidal marsh at dawn.");
    String name;
    QuarryServer server = QuarryServer.start(
        ServerConfig.defaults(dataDir).withPort(0).withAdminKey(Optional.of(ADMIN)), System.err);
    try {
      call(server, "POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}");
      String key = call(server, "POST", "/v1/tenants/acme/keys", ADMIN, "{\"scopes\":[\"ingest\",\"search\"]}")
          .get("key").asText();
      call(server, "PUT", "/v1/collections/birds", key, "{}");
      call(server, "PUT", "/v1/collections/birds/documents/d1", key, "{\"text\":\"Herons wade in the tidal marsh.\"}");

      // read-only commands work beside the server, on its last commit
      Ran listed = cli("collections", "--json", "--data-dir", dataDir.toString());
      assertEquals(0, listed.exit(), listed.err());
      JsonNode collections = JSON.readTree(listed.out());
      assertEquals(1, collections.size(), listed.out());
      name = collections.get(0).get("name").asText();
      assertEquals(1, collections.get(0).get("documents").asInt(), listed.out());
      Ran found = cli("search", "herons", "-c", name, "--mode", "lexical", "--json", "--data-dir", dataDir.toString());
      assertEquals(0, found.exit(), found.err());
      assertEquals("d1", JSON.readTree(found.out()).get("hits").get(0).get("id").asText(), found.out());

      // write commands are refused, and say why
      for (String[] write : new String[][] {
          {"delete", "-c", name, "--id", "d1"},
          {"delete", "-c", name, "--all"},
          {"ingest", file.toString(), "-c", name},
          {"ingest", file.toString(), "-c", "other"}}) {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(write),
            java.util.stream.Stream.of("--data-dir", dataDir.toString())).toArray(String[]::new);
        Ran refused = cli(args);
        assertEquals(4, refused.exit(), String.join(" ", write) + ": " + refused.out() + refused.err());
        assertTrue(refused.err().contains("is in use by a running Quarry server"), refused.err());
        assertTrue(refused.err().contains("server.lock"), refused.err());
      }
      // the server's index is untouched
      JsonNode hits = call(server, "POST", "/v1/collections/birds/search", key,
          "{\"query\":\"herons\",\"mode\":\"lexical\"}").get("hits");
      assertEquals(1, hits.size(), hits.toString());
    } finally {
      server.close();
    }
    // once the server is gone, the same write works
    Ran deleted = cli("delete", "-c", name, "--id", "d1", "--data-dir", dataDir.toString());
    assertEquals(0, deleted.exit(), deleted.err());
    assertTrue(deleted.out().contains("deleted d1"), deleted.out());
  }
}

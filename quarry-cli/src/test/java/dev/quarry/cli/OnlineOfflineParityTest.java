package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.search.FusionModel;
import dev.quarry.engine.collection.FusionModelFile;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online and offline parity: a collection served over HTTP is evaluated by {@code quarry eval}
 * beside the running server (its code path: the configuration's ranking through the collection's
 * searcher), and for every query and mode the run file's top 10 is the search API's 10 hits, in
 * the same order with the same scores, and both name the same configuration fingerprint. A
 * configuration that differs (another fusion weight) has another fingerprint. The same holds for
 * learned fusion with a model that reads the candidates' stored text.
 */
class OnlineOfflineParityTest {

  private static final String ADMIN = "parity-admin-key-0123456789-abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FINGERPRINT = Pattern.compile("([a-z]+) (q1-[0-9a-f]{16})");

  @TempDir Path dataDir;
  @TempDir Path dataset;
  private final HttpClient http = HttpClient.newHttpClient();

  private static final String[][] DOCS = {
      {"d01", "Tidal marshes", "Herons and egrets wade in tidal marshes at dawn, hunting fish in shallow water."},
      {"d02", "Herons", "The grey heron nests in colonies in tall trees near rivers and lakes."},
      {"d03", "Estuaries", "An estuary mixes river water with sea water; marsh grasses trap the silt."},
      {"d04", "Fishing birds", "Kingfishers dive for small fish from a perch above a stream."},
      {"d05", "Salt", "Salt marsh plants tolerate flooding by sea water twice a day."},
      {"d06", "Bread", "Sourdough bread rises slowly with a starter of flour and water."},
      {"d07", "Ovens", "A wood-fired oven bakes bread and pizza at very high heat."},
      {"d08", "Volcanoes", "Magma rises through the crust and erupts as lava from a volcano."},
      {"d09", "Lava", "Cooling lava forms basalt; slow cooling under ground forms granite."},
      {"d10", "Rivers", "Rivers carry silt to the sea and build deltas at their mouths."},
      {"d11", "Egrets", "Egrets grow white plumes in the breeding season and wade in marshes."},
      {"d12", "Flour", "Flour is milled from wheat; whole wheat flour keeps the bran."}};

  private static final String[][] QUERIES = {
      {"q1", "birds that wade in the marsh"},
      {"q2", "how is bread baked"},
      {"q3", "where does lava come from"},
      {"q4", "river silt and sea water"},
      {"q5", "white plumes of egrets"}};

  @Test
  void quarryEvalAndTheSearchApiRankTheSameAndReportTheSameFingerprint() throws Exception {
    writeDataset();
    QuarryServer server = QuarryServer.start(
        ServerConfig.defaults(dataDir).withPort(0).withAdminKey(Optional.of(ADMIN)), System.err);
    String key;
    try {
      call(server, "POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}");
      key = call(server, "POST", "/v1/tenants/acme/keys", ADMIN, "{\"scopes\":[\"ingest\",\"search\"]}")
          .get("key").asText();
      call(server, "PUT", "/v1/collections/birds", key, "{}");
      for (String[] d : DOCS) {
        call(server, "PUT", "/v1/collections/birds/documents/" + d[0], key,
            JSON.writeValueAsString(Map.of("title", d[1], "text", d[2])));
      }

      // quarry eval beside the server: evaluates the served collection as indexed
      Path run = dataset.resolve("run.trec");
      Ran eval = cli("eval", "--dataset", dataset.toString(), "--data-dir", dataDir.toString(),
          "--collection", "acme--birds", "--mode", "all", "--run", run.toString());
      assertEquals(0, eval.exit(), eval.out() + eval.err());
      Map<String, String> evalFingerprints = new LinkedHashMap<>();
      Matcher m = FINGERPRINT.matcher(eval.out().substring(eval.out().indexOf("fingerprints:")));
      while (m.find()) {
        evalFingerprints.put(m.group(1), m.group(2));
      }
      assertEquals(List.of("lexical", "vector", "hybrid"), List.copyOf(evalFingerprints.keySet()), eval.out());
      assertEquals(3, new HashSet<>(evalFingerprints.values()).size(), "each mode is its own configuration");

      int compared = 0;
      for (String mode : evalFingerprints.keySet()) {
        Map<String, List<String[]>> offline = readRun(dataset.resolve("run.trec." + mode));
        for (String[] q : QUERIES) {
          JsonNode online = call(server, "POST", "/v1/collections/birds/search", key,
              JSON.writeValueAsString(Map.of("query", q[1], "mode", mode, "k", 10, "include", List.of())));
          assertEquals(evalFingerprints.get(mode), online.get("fingerprint").asText(), mode + " " + q[0]);
          List<String[]> expected = offline.get(q[0]);
          JsonNode hits = online.get("hits");
          assertEquals(Math.min(10, expected.size()), hits.size(), mode + " " + q[0]);
          for (int i = 0; i < hits.size(); i++) {
            String at = mode + " " + q[0] + " rank " + (i + 1);
            assertEquals(expected.get(i)[0], hits.get(i).get("id").asText(), at);
            assertEquals(Double.parseDouble(expected.get(i)[1]), hits.get(i).get("score").asDouble(), 1e-5, at);
            compared++;
          }
        }
      }
      assertTrue(compared >= 3 * QUERIES.length * 3, "rankings compared: " + compared);

      // another configuration is another fingerprint, over HTTP as in eval
      JsonNode other = call(server, "POST", "/v1/collections/birds/search", key,
          "{\"query\":\"herons\",\"fusion\":\"weighted\",\"vector_weight\":0.3}");
      assertTrue(!other.get("fingerprint").asText().equals(evalFingerprints.get("hybrid")), other.toString());
      Ran weighted = cli("eval", "--dataset", dataset.toString(), "--data-dir", dataDir.toString(),
          "--collection", "acme--birds", "--mode", "hybrid", "--fusion", "weighted", "--vector-weight", "0.3");
      assertEquals(0, weighted.exit(), weighted.out() + weighted.err());
      assertTrue(weighted.out().contains(other.get("fingerprint").asText()), weighted.out() + " vs " + other);

      // a chat answer names its retrieval's configuration too
      JsonNode chat = call(server, "POST", "/v1/chat", key, "{\"message\":\"Where do herons nest?\",\"collections\":[\"birds\"]}");
      assertTrue(chat.get("fingerprint").asText().matches("q1-[0-9a-f]{16}"), chat.toString());
    } finally {
      server.close();
    }
    learnedFusionWithTextFeaturesRanksTheSameOnlineAndOffline(key);
  }

  /**
   * A learned model that weighs the candidates' text (title and text matches, length), as {@code
   * quarry tune --features all} may fit one: {@code quarry eval --fusion learned} and the search API
   * still rank the same, with the same scores.
   */
  private void learnedFusionWithTextFeaturesRanksTheSameOnlineAndOffline(String key) throws Exception {
    FusionModelFile.write(dataDir.resolve("collections").resolve("acme--birds"), new FusionModel(
        List.of("text_match", "title_match", "length", "vector_minmax", "lexical_rrf"),
        List.of(0.4, 0.2, -0.1, 0.2, 0.1), 100, "parity"), Map.of());
    QuarryServer server = QuarryServer.start(
        ServerConfig.defaults(dataDir).withPort(0).withAdminKey(Optional.of(ADMIN)), System.err);
    try {
      Path run = dataset.resolve("run-learned.trec");
      Ran eval = cli("eval", "--dataset", dataset.toString(), "--data-dir", dataDir.toString(),
          "--collection", "acme--birds", "--mode", "hybrid", "--fusion", "learned", "--run", run.toString());
      assertEquals(0, eval.exit(), eval.out() + eval.err());
      Matcher m = FINGERPRINT.matcher(eval.out().substring(eval.out().indexOf("fingerprints:")));
      assertTrue(m.find(), eval.out());
      Map<String, List<String[]>> offline = readRun(run);
      int compared = 0;
      for (String[] q : QUERIES) {
        JsonNode online = call(server, "POST", "/v1/collections/birds/search", key,
            JSON.writeValueAsString(Map.of("query", q[1], "fusion", "learned", "k", 10, "include", List.of())));
        assertEquals(m.group(2), online.get("fingerprint").asText(), "learned " + q[0]);
        List<String[]> expected = offline.get(q[0]);
        JsonNode hits = online.get("hits");
        assertEquals(Math.min(10, expected.size()), hits.size(), "learned " + q[0]);
        for (int i = 0; i < hits.size(); i++) {
          String at = "learned " + q[0] + " rank " + (i + 1);
          assertEquals(expected.get(i)[0], hits.get(i).get("id").asText(), at);
          assertEquals(Double.parseDouble(expected.get(i)[1]), hits.get(i).get("score").asDouble(), 1e-5, at);
          compared++;
        }
      }
      assertTrue(compared >= 3 * QUERIES.length, "rankings compared: " + compared);
    } finally {
      server.close();
    }
  }

  private void writeDataset() throws Exception {
    StringBuilder corpus = new StringBuilder();
    for (String[] d : DOCS) {
      corpus.append(JSON.writeValueAsString(Map.of("_id", d[0], "title", d[1], "text", d[2]))).append('\n');
    }
    Files.writeString(dataset.resolve("corpus.jsonl"), corpus);
    StringBuilder queries = new StringBuilder();
    for (String[] q : QUERIES) {
      queries.append(JSON.writeValueAsString(Map.of("_id", q[0], "text", q[1]))).append('\n');
    }
    Files.writeString(dataset.resolve("queries.jsonl"), queries);
    Files.createDirectories(dataset.resolve("qrels"));
    Files.writeString(dataset.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n"
        + "q1\td01\t2\nq1\td11\t1\nq2\td06\t1\nq2\td07\t2\nq3\td08\t2\nq3\td09\t1\nq4\td03\t2\nq4\td10\t1\nq5\td11\t2\n");
  }

  /** Each query's ranking in the run file's order: document id and score. */
  private static Map<String, List<String[]>> readRun(Path file) throws Exception {
    Map<String, List<String[]>> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.trim().split("\\s+");
      out.computeIfAbsent(f[0], q -> new ArrayList<>()).add(new String[] {f[2], f[4]});
    }
    return out;
  }

  private record Ran(int exit, String out, String err) {}

  private static Ran cli(String... args) {
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
}

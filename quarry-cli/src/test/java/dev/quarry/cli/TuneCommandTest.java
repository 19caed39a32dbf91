package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry tune} end to end: a small judged collection is indexed by {@code quarry eval}; learned
 * fusion is refused until a model is fitted; {@code tune} prints its cross-validation against the
 * default and stores the model with the judgments' fingerprint; then {@code eval --fusion learned}
 * ranks with it, under a fingerprint that names it.
 */
class TuneCommandTest {

  @TempDir static Path dataset;
  @TempDir static Path dataDir;

  static final String[][] DOCS = {
      {"d1", "Lighthouse", "The lighthouse keeper lit the lamp at dusk."},
      {"d2", "Bread", "Sourdough needs a starter of flour and water."},
      {"d3", "Volcano", "Magma erupts from the volcano as lava."},
      {"d4", "Orbit", "The satellite circles the planet in a low orbit."},
      {"d5", "Bees", "Honey bees gather nectar and pollen from flowers."},
      {"d6", "Glacier", "A glacier slowly carves a valley out of rock."},
      {"d7", "Chess", "The knight moves in an L shape across the chessboard."},
      {"d8", "Tides", "The moon's pull raises the ocean tides twice a day."}};

  static final String[][] QUERIES = {
      {"q1", "who keeps the lamp of a lighthouse", "d1"},
      {"q2", "how to bake sourdough bread", "d2"},
      {"q3", "lava from volcanoes", "d3"},
      {"q4", "satellites orbiting planets", "d4"},
      {"q5", "what do bees collect", "d5"},
      {"q6", "how glaciers shape valleys", "d6"},
      {"q7", "how does the knight move in chess", "d7"},
      {"q8", "why are there ocean tides", "d8"}};

  @BeforeAll
  static void writeDataset() throws IOException {
    StringBuilder corpus = new StringBuilder();
    for (String[] d : DOCS) {
      corpus.append("{\"_id\": \"").append(d[0]).append("\", \"title\": \"").append(d[1]).append("\", \"text\": \"")
          .append(d[2]).append("\"}\n");
    }
    Files.writeString(dataset.resolve("corpus.jsonl"), corpus);
    StringBuilder queries = new StringBuilder();
    StringBuilder train = new StringBuilder("query-id\tcorpus-id\tscore\n");
    for (String[] q : QUERIES) {
      queries.append("{\"_id\": \"").append(q[0]).append("\", \"text\": \"").append(q[1]).append("\"}\n");
      train.append(q[0]).append('\t').append(q[2]).append("\t1\n");
    }
    Files.writeString(dataset.resolve("queries.jsonl"), queries);
    Files.createDirectories(dataset.resolve("qrels"));
    Files.writeString(dataset.resolve("qrels/train.tsv"), train);
    Files.writeString(dataset.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq5\td5\t1\n");
  }

  private record Run(int exit, String out) {}

  private static Run quarry(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      return new Run(Main.run(args), bytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  @Test
  void tuneFitsCrossValidatesAndStoresAModelThatLearnedFusionThenUses() throws IOException {
    String ds = dataset.toString();
    String dir = dataDir.toString();
    Run index = quarry("eval", "--dataset", ds, "--data-dir", dir, "--mode", "hybrid");
    assertEquals(0, index.exit(), index.out());
    String defaultFingerprint = fingerprint(index.out());

    Run refused = quarry("eval", "--dataset", ds, "--data-dir", dir, "--mode", "hybrid", "--fusion", "learned");
    assertNotEquals(0, refused.exit());
    assertTrue(refused.out().contains("has no learned fusion model") && refused.out().contains("quarry tune"),
        refused.out());

    Run tune = quarry("tune", "--dataset", ds, "--data-dir", dir, "--folds", "2");
    assertEquals(0, tune.exit(), tune.out());
    assertTrue(tune.out().contains("8 judged queries, 2-fold cross-validation"), tune.out());
    assertTrue(tune.out().lines().anyMatch(l -> l.startsWith("default (weighted")), tune.out());
    assertTrue(tune.out().lines().anyMatch(l -> l.startsWith("learned ")), tune.out());
    assertTrue(tune.out().contains("stored in collection 'beir-"), tune.out());

    Path stored;
    try (var dirs = Files.list(dataDir.resolve("collections"))) {
      stored = dirs.map(p -> p.resolve("fusion-model.json")).filter(Files::exists).findFirst().orElseThrow();
    }
    JsonNode model = new ObjectMapper().readTree(stored.toFile());
    assertEquals(model.get("features").size(), model.get("weights").size());
    assertEquals(64, model.get("judgments").asText().length(), "a SHA-256 of the judgments");
    assertEquals("train", model.at("/fitted/split").asText());
    assertEquals(8, model.at("/fitted/queries").asInt());
    double l1 = 0;
    for (JsonNode w : model.get("weights")) {
      l1 += Math.abs(w.asDouble());
    }
    assertEquals(1.0, l1, 1e-9);

    Run learned = quarry("eval", "--dataset", ds, "--data-dir", dir, "--mode", "hybrid", "--fusion", "learned");
    assertEquals(0, learned.exit(), learned.out());
    String learnedFingerprint = fingerprint(learned.out());
    assertNotEquals(defaultFingerprint, learnedFingerprint, "the learned model is part of the configuration");

    // the same judgments fit the same model: the fingerprint is reproducible
    assertEquals(0, quarry("tune", "--dataset", ds, "--data-dir", dir, "--folds", "2").exit());
    assertEquals(learnedFingerprint, fingerprint(
        quarry("eval", "--dataset", ds, "--data-dir", dir, "--mode", "hybrid", "--fusion", "learned").out()));
  }

  @Test
  void tuneWithAllFeaturesMayWeighTheCandidatesTextAndLearnedFusionServesIt(@TempDir Path own) throws IOException {
    // its own data directory: the other test sees no model before it tunes
    String ds = dataset.toString();
    String dir = own.toString();
    assertEquals(0, quarry("eval", "--dataset", ds, "--data-dir", dir, "--mode", "hybrid").exit());
    Run tune = quarry("tune", "--dataset", ds, "--data-dir", dir, "--folds", "2", "--features", "all");
    assertEquals(0, tune.exit(), tune.out());
    assertTrue(tune.out().contains("features all"), tune.out());
    Path stored;
    try (var dirs = Files.list(own.resolve("collections"))) {
      stored = dirs.map(p -> p.resolve("fusion-model.json")).filter(Files::exists).findFirst().orElseThrow();
    }
    JsonNode model = new ObjectMapper().readTree(stored.toFile());
    assertEquals("all", model.at("/fitted/feature_set").asText());
    for (JsonNode f : model.get("features")) {
      assertTrue(java.util.List.of("lexical_minmax", "lexical_z", "lexical_rrf", "lexical_present", "lexical_minmax_conf",
          "vector_minmax", "vector_z", "vector_rrf", "vector_present", "vector_minmax_conf", "title_match", "text_match",
          "length").contains(f.asText()), f.asText());
    }
    Run learned = quarry("eval", "--dataset", ds, "--data-dir", dir, "--mode", "hybrid", "--fusion", "learned");
    assertEquals(0, learned.exit(), learned.out());
  }

  @Test
  void badFoldsAreAClearError() {
    Run r = quarry("tune", "--dataset", dataset.toString(), "--data-dir", dataDir.toString(), "--folds", "1");
    assertNotEquals(0, r.exit());
    assertTrue(r.out().contains("--folds must be in 2..8"), r.out());
    Run features = quarry("tune", "--dataset", dataset.toString(), "--data-dir", dataDir.toString(), "--features", "text");
    assertNotEquals(0, features.exit());
    assertTrue(features.out().contains("--features must be 'lists' or 'all', got: 'text'"), features.out());
  }

  private static String fingerprint(String out) {
    return out.lines().filter(l -> l.startsWith("fingerprints: ")).findFirst().orElseThrow(() -> new AssertionError(out))
        .replaceAll(".* (q1-[0-9a-f]{16}).*", "$1");
  }
}

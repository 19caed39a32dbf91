package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.eval.compare.PairedComparison;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry eval --baseline NAME} and {@code --baseline-run FILE}: the table and the JSON carry
 * each configuration's nDCG@10 difference, wins, losses and ties and the paired randomisation test's
 * p-value against the baseline, equal to what {@link PairedComparison} gives for the same per-query
 * scores, and a bad baseline is refused before anything is ingested.
 *
 * <p>The dataset makes lexical search's per-query nDCG@10 known: q1..q4 have their words in their one
 * relevant document only (nDCG@10 = 1); q5's words are in d3 alone, but its relevant document is d1,
 * which lexical search does not retrieve (0). A stored run then puts each query's relevant document
 * at a chosen rank, so the paired differences are known exactly.
 */
class EvalBaselineTest {

  @TempDir static Path dataset;
  @TempDir static Path dataDir;
  @TempDir Path scratch;

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void writeDataset() throws IOException {
    Files.writeString(dataset.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"Lighthouse\", \"text\": \"The lighthouse keeper lit the lamp.\"}",
        "{\"_id\": \"d2\", \"title\": \"Bread\", \"text\": \"Sourdough needs a starter of flour and water.\"}",
        "{\"_id\": \"d3\", \"title\": \"Volcano\", \"text\": \"Magma erupts as lava.\"}",
        "{\"_id\": \"d4\", \"title\": \"Chess\", \"text\": \"A gambit sacrifices a pawn for tempo.\"}",
        "{\"_id\": \"d5\", \"title\": \"Orchard\", \"text\": \"Apple trees blossom in spring.\"}"));
    Files.writeString(dataset.resolve("queries.jsonl"), String.join("\n",
        "{\"_id\": \"q1\", \"text\": \"lighthouse keeper\"}",
        "{\"_id\": \"q2\", \"text\": \"sourdough starter\"}",
        "{\"_id\": \"q3\", \"text\": \"magma lava\"}",
        "{\"_id\": \"q4\", \"text\": \"gambit pawn\"}",
        "{\"_id\": \"q5\", \"text\": \"erupts\"}"));
    Files.createDirectories(dataset.resolve("qrels"));
    Files.writeString(dataset.resolve("qrels/test.tsv"),
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\td4\t1\nq5\td1\t1\n");
  }

  private record Run(int exit, String out, String err) {}

  /** Runs eval; {@code err} holds picocli's error output and what the command printed to stderr. */
  private static Run eval(Path dataDirectory, String... extra) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    try {
      List<String> args = new ArrayList<>(List.of("eval", "--dataset", dataset.toString(),
          "--data-dir", dataDirectory.toString()));
      args.addAll(List.of(extra));
      int exit = Main.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args.toArray(String[]::new));
      return new Run(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  /** The exact two-sided p: the share of the 2^n sign assignments whose |sum| reaches the observed |sum|. */
  private static double exact(double[] d) {
    double observed = Math.abs(java.util.Arrays.stream(d).sum());
    int atLeast = 0;
    for (int mask = 0; mask < (1 << d.length); mask++) {
      double s = 0;
      for (int i = 0; i < d.length; i++) {
        s += (mask >> i & 1) == 1 ? d[i] : -d[i];
      }
      if (Math.abs(s) >= observed - 1e-9) {
        atLeast++;
      }
    }
    return atLeast / (double) (1 << d.length);
  }

  private static String row(String out, String mode) {
    return out.lines().filter(l -> l.startsWith(mode + " ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no row for " + mode + " in\n" + out));
  }

  @Test
  void aStoredRunBaselineGivesTheWinsLossesAndPValueOfThePairedTest() throws IOException {
    // the baseline's relevant document: q1 at rank 1 (nDCG 1), q2 at rank 2 (1/log2 3), q3 at rank 3
    // (1/2), q4 not ranked (0), q5 at rank 1 (1); lexical scores 1, 1, 1, 1, 0
    Path run = scratch.resolve("before.trec");
    Files.writeString(run, String.join("\n",
        "q1 Q0 d1 1 3.0 old",
        "q2 Q0 d5 1 3.0 old", "q2 Q0 d2 2 2.0 old",
        "q3 Q0 d5 1 3.0 old", "q3 Q0 d1 2 2.0 old", "q3 Q0 d3 3 1.0 old",
        "q5 Q0 d1 1 3.0 old", ""));
    double[] lexical = {1, 1, 1, 1, 0};
    double[] before = {1, 1 / (Math.log(3) / Math.log(2)), 0.5, 0, 1};
    double[] d = new double[lexical.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = lexical[i] - before[i];
    }
    // by hand: the two +-1 differences cancel or add; of the 16 signings of the nonzero ones, 12 reach
    // |0.369 + 0.5|, and the tie doubles both counts
    assertEquals(0.75, exact(d), 1e-12);
    PairedComparison expected = PairedComparison.of(lexical, before, PairedComparison.DEFAULT_TRIALS,
        PairedComparison.DEFAULT_SEED);
    assertEquals(0.75, expected.pValue(), 0.01, "10,000 permutations estimate the exact p");

    Path json = scratch.resolve("vs-run.json");
    Run r = eval(dataDir, "--mode", "lexical", "--baseline-run", run.toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("ranks 4 of the split's 5 queries"), r.err());
    assertTrue(r.out().contains("vs run:" + run + " (ndcg@10 "
        + String.format(Locale.ROOT, "%.4f", java.util.Arrays.stream(before).average().orElseThrow()) + ")"), r.out());
    String[] cells = row(r.out(), "lexical").trim().split("\\s+");
    assertEquals(List.of("lexical", String.format(Locale.ROOT, "%+.4f", expected.meanDifference()), "3", "1", "1",
        String.format(Locale.ROOT, "%.4f", expected.pValue())), List.of(cells), r.out());

    JsonNode report = JSON.readTree(json.toFile());
    assertEquals("run:" + run, report.at("/baseline/name").asText());
    assertEquals(PairedComparison.DEFAULT_TRIALS, report.at("/baseline/trials").asInt());
    assertEquals(PairedComparison.DEFAULT_SEED, report.at("/baseline/seed").asLong());
    JsonNode vs = report.at("/results/0/vsBaseline/ndcg@10");
    assertEquals(expected.meanDifference(), vs.get("meanDifference").asDouble(), 1e-15);
    assertEquals(3, vs.get("wins").asInt());
    assertEquals(1, vs.get("losses").asInt());
    assertEquals(1, vs.get("ties").asInt());
    assertEquals(expected.pValue(), vs.get("pValue").asDouble());
    assertEquals("[\"q2\",\"q3\",\"q4\"]", report.at("/results/0/won").toString());
    assertEquals("[\"q5\"]", report.at("/results/0/lost").toString());
    assertEquals(5, report.at("/results/0/vsBaseline").size(), "every metric is compared");
  }

  @Test
  void aNamedBaselineComparesTheOtherModesAsTheirOwnRunFileWould() throws IOException {
    Path runs = scratch.resolve("runs.trec");
    Path json = scratch.resolve("vs-lexical.json");
    Run named = eval(dataDir, "--mode", "all", "--baseline", "lexical", "--run", runs.toString(),
        "--json", json.toString());
    assertEquals(0, named.exit(), named.err());
    assertTrue(named.out().contains("vs lexical (ndcg@10 0.8000): paired randomisation test on ndcg@10, two-sided, "
        + "10000 permutations, seed 20071106"), named.out());
    JsonNode report = JSON.readTree(json.toFile());
    assertEquals("lexical", report.at("/baseline/name").asText());
    assertFalse(report.at("/results/0").has("vsBaseline"), "the baseline is not compared with itself");
    for (int i = 1; i <= 2; i++) {
      JsonNode result = report.at("/results/" + i);
      JsonNode vs = result.at("/vsBaseline/ndcg@10");
      assertEquals(5, vs.get("wins").asInt() + vs.get("losses").asInt() + vs.get("ties").asInt());
      assertEquals(vs.get("wins").asInt(), result.get("won").size());
      assertEquals(vs.get("losses").asInt(), result.get("lost").size());
      assertEquals(result.at("/metrics/ndcg@10").asDouble() - 0.8, vs.get("meanDifference").asDouble(), 1e-12);
    }

    // the same comparison against lexical's saved run: scored by the same code, it gives the same rows
    Run stored = eval(dataDir, "--mode", "all", "--baseline-run", runs + ".lexical");
    assertEquals(0, stored.exit(), stored.err());
    for (String mode : List.of("vector", "hybrid")) {
      assertEquals(row(named.out(), mode).substring(mode.length()).trim(),
          row(stored.out(), mode).substring(mode.length()).trim(), stored.out());
    }
    assertTrue(row(stored.out(), "lexical").matches("lexical\\s+\\+0\\.0000\\s+0\\s+0\\s+5\\s+1\\.0000"),
        "lexical against its own run ties everywhere: " + stored.out());
  }

  @Test
  void anUnknownBaselineIsRefusedBeforeAnythingIsIngested() {
    Path untouched = scratch.resolve("never-created");
    Run r = eval(untouched, "--mode", "all", "--baseline", "bm25");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--baseline 'bm25' is not a configuration of this evaluation; "
        + "its configurations are: lexical, vector, hybrid"), r.err());
    assertFalse(Files.exists(untouched), "nothing was ingested");

    Run fusions = eval(untouched, "--mode", "hybrid", "--fusion", "rrf,weighted", "--baseline", "hybrid");
    assertEquals(2, fusions.exit(), fusions.err());
    assertTrue(fusions.err().contains("its configurations are: hybrid-rrf-w0.60, hybrid-weighted-w0.60"), fusions.err());

    Run alone = eval(untouched, "--mode", "hybrid", "--baseline", "hybrid");
    assertEquals(2, alone.exit(), alone.err());
    assertTrue(alone.err().contains("is the only configuration"), alone.err());

    Run both = eval(untouched, "--baseline", "lexical", "--baseline-run", "x.trec");
    assertEquals(2, both.exit(), both.err());
    assertTrue(both.err().contains("exclude each other"), both.err());
    assertFalse(Files.exists(untouched), "nothing was ingested");
  }

  @Test
  void aRunOfAnotherSplitIsRefused() throws IOException {
    Path run = scratch.resolve("other.trec");
    Files.writeString(run, "x9 Q0 d1 1 1.0 old\n");
    Path untouched = scratch.resolve("never-created");
    Run r = eval(untouched, "--mode", "lexical", "--baseline-run", run.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("ranks none of the 5 queries of split 'test'"), r.err());
    assertFalse(Files.exists(untouched), "nothing was ingested");
  }
}

package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry eval --gate}: on a small BEIR dataset whose lexical nDCG@10 is 1 (each query's
 * words are in its one relevant document only), a pin it meets passes with exit 0 and a pin above
 * it fails with exit 8 and a table naming the metric that dropped.
 */
class EvalGateTest {

  @TempDir static Path dataset;
  @TempDir static Path dataDir;

  @BeforeAll
  static void writeDataset() throws IOException {
    ThreeAbstracts.write(dataset, 3);
  }

  private static int eval(Path gate, StringBuilder out) {
    return ThreeAbstracts.eval(dataset, dataDir, out, "--mode", "lexical", "--gate", gate.toString());
  }

  @Test
  void aMetPinPassesAndADroppedOneFailsWithExit8AndATable() throws IOException {
    Path held = dataset.resolve("held.yaml");
    Files.writeString(held, "split: test\nmodes:\n  lexical:\n    ndcg@10: 1.0\n    recall@100: 1.0\n");
    StringBuilder out = new StringBuilder();
    assertEquals(0, eval(held, out), out.toString());
    assertTrue(out.toString().contains("HELD"), out.toString());

    // the same run against a gate pinned for a better system: as if the metric had dropped
    Path dropped = dataset.resolve("dropped.yaml");
    Files.writeString(dropped, "tolerance: 0.01\nmodes:\n  lexical:\n    ndcg@10: 1.0\n  hybrid:\n    ndcg@10: 0.9\n");
    StringBuilder out2 = new StringBuilder();
    assertEquals(8, eval(dropped, out2), out2.toString());
    assertTrue(out2.toString().lines().anyMatch(l -> l.startsWith("hybrid") && l.endsWith("MISSING")), out2.toString());
  }

  @Test
  void aDropOfAPinnedMetricFails() throws IOException {
    // lexical finds each query's document first: nDCG@10 = 1; MRR@10 pinned above 1 is impossible,
    // so pin it at 1 and expect P@10 (1/10 with one relevant document) pinned at 0.2 to drop
    Path gate = dataset.resolve("p10.yaml");
    Files.writeString(gate, "modes:\n  lexical:\n    p@10: 0.2\n");
    StringBuilder out = new StringBuilder();
    assertEquals(8, eval(gate, out), out.toString());
    String row = out.toString().lines().filter(l -> l.contains("DROPPED")).findFirst().orElseThrow();
    assertTrue(row.startsWith("lexical") && row.contains("p@10") && row.contains("-0.1000"), row);
  }
}

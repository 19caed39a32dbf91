package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry eval --feedback off,DOCS:WEIGHT}: every setting is scored under its own label and
 * fingerprint, in vector and hybrid modes; off keeps the label and fingerprint of a plain run, and
 * lexical mode is scored once (it has no vector to refine).
 */
class EvalFeedbackTest {

  @TempDir static Path dataset;
  @TempDir static Path dataDir;

  @BeforeAll
  static void writeDataset() throws IOException {
    ThreeAbstracts.write(dataset, 2);
  }

  private static int eval(StringBuilder out, String... extra) {
    return ThreeAbstracts.eval(dataset, dataDir, out, extra);
  }

  private static String fingerprint(String out, String label) {
    String line = out.lines().filter(l -> l.startsWith("fingerprints: ")).findFirst().orElseThrow();
    for (String part : line.substring("fingerprints: ".length()).split(", ")) {
      if (part.startsWith(label + " ")) {
        return part.substring(label.length() + 1);
      }
    }
    throw new AssertionError("no fingerprint for " + label + " in " + line);
  }

  @Test
  void everyFeedbackSettingIsScoredUnderItsOwnLabelAndFingerprint() {
    StringBuilder plain = new StringBuilder();
    assertEquals(0, eval(plain, "--mode", "all"), plain.toString());
    StringBuilder grid = new StringBuilder();
    assertEquals(0, eval(grid, "--mode", "all", "--feedback", "off,2:1.0,1:0.5"), grid.toString());
    String out = grid.toString();
    for (String label : List.of("lexical", "vector", "vector-feedback-d2-w1.00", "vector-feedback-d1-w0.50",
        "hybrid", "hybrid-feedback-d2-w1.00", "hybrid-feedback-d1-w0.50")) {
      assertTrue(out.lines().anyMatch(l -> l.startsWith(label + " ")), label + " in " + out);
    }
    assertTrue(out.lines().noneMatch(l -> l.startsWith("lexical-feedback")), out);
    for (String mode : List.of("lexical", "vector", "hybrid")) {
      assertEquals(fingerprint(plain.toString(), mode), fingerprint(out, mode), mode + ": off is the plain run");
    }
    assertNotEquals(fingerprint(out, "hybrid"), fingerprint(out, "hybrid-feedback-d2-w1.00"));
    assertNotEquals(fingerprint(out, "hybrid-feedback-d2-w1.00"), fingerprint(out, "hybrid-feedback-d1-w0.50"));
  }

  @Test
  void feedbackTakesOffOrDocsColonWeight() {
    for (String bad : List.of("maybe", "5", "0:1.0", "5:0", "x:1.0")) {
      StringBuilder out = new StringBuilder();
      assertNotEquals(0, eval(out, "--mode", "hybrid", "--feedback", bad), bad);
    }
  }
}

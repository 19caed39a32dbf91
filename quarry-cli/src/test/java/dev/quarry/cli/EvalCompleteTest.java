package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry eval --complete on,off}: both settings are scored, each under its own label and
 * fingerprint; the setting without completion keeps the label and fingerprint of a plain run.
 */
class EvalCompleteTest {

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
  void completeOnAndOffAreScoredUnderTheirOwnLabelsAndFingerprints() {
    StringBuilder plain = new StringBuilder();
    assertEquals(0, eval(plain), plain.toString());
    StringBuilder both = new StringBuilder();
    assertEquals(0, eval(both, "--complete", "on,off"), both.toString());
    assertTrue(both.toString().lines().anyMatch(l -> l.startsWith("hybrid-weighted-w0.60-complete ")), both.toString());
    assertTrue(both.toString().lines().anyMatch(l -> l.startsWith("hybrid-weighted-w0.60 ")), both.toString());
    assertEquals(fingerprint(plain.toString(), "hybrid"), fingerprint(both.toString(), "hybrid-weighted-w0.60"));
    assertNotEquals(fingerprint(both.toString(), "hybrid-weighted-w0.60"),
        fingerprint(both.toString(), "hybrid-weighted-w0.60-complete"));
  }

  @Test
  void completeTakesOnOrOffOnly() {
    StringBuilder out = new StringBuilder();
    assertNotEquals(0, eval(out, "--complete", "maybe"));
  }
}

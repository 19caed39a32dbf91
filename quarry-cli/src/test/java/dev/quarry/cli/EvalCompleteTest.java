package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    Files.writeString(dataset.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"Lighthouse\", \"text\": \"The lighthouse keeper lit the lamp.\"}",
        "{\"_id\": \"d2\", \"title\": \"Bread\", \"text\": \"Sourdough needs a starter of flour and water.\"}",
        "{\"_id\": \"d3\", \"title\": \"Volcano\", \"text\": \"Magma erupts as lava.\"}"));
    Files.writeString(dataset.resolve("queries.jsonl"), String.join("\n",
        "{\"_id\": \"q1\", \"text\": \"lighthouse keeper\"}",
        "{\"_id\": \"q2\", \"text\": \"sourdough starter\"}"));
    Files.createDirectories(dataset.resolve("qrels"));
    Files.writeString(dataset.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
  }

  private static int eval(StringBuilder out, String... extra) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      List<String> args = new ArrayList<>(List.of("eval", "--dataset", dataset.toString(),
          "--data-dir", dataDir.toString(), "--mode", "hybrid"));
      args.addAll(List.of(extra));
      return Main.run(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      out.append(bytes.toString(StandardCharsets.UTF_8));
    }
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

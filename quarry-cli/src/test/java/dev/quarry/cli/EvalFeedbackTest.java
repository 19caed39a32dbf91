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
 * {@code quarry eval --feedback off,DOCS:WEIGHT}: every setting is scored under its own label and
 * fingerprint, in vector and hybrid modes; off keeps the label and fingerprint of a plain run, and
 * lexical mode is scored once (it has no vector to refine).
 */
class EvalFeedbackTest {

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
          "--data-dir", dataDir.toString()));
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

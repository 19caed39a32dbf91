package dev.quarry.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The eval tests' BEIR dataset: three abstracts on unrelated topics and up to three queries, each
 * with its one relevant abstract; and {@code quarry eval} run on it with its standard output kept.
 */
final class ThreeAbstracts {

  private static final List<String> QUERIES = List.of(
      "{\"_id\": \"q1\", \"text\": \"lighthouse keeper\"}",
      "{\"_id\": \"q2\", \"text\": \"sourdough starter\"}",
      "{\"_id\": \"q3\", \"text\": \"magma lava\"}");

  private ThreeAbstracts() {}

  /** Writes the corpus, the first {@code queries} queries and their test qrels into {@code dataset}. */
  static void write(Path dataset, int queries) throws IOException {
    Files.writeString(dataset.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"Lighthouse\", \"text\": \"The lighthouse keeper lit the lamp.\"}",
        "{\"_id\": \"d2\", \"title\": \"Bread\", \"text\": \"Sourdough needs a starter of flour and water.\"}",
        "{\"_id\": \"d3\", \"title\": \"Volcano\", \"text\": \"Magma erupts as lava.\"}"));
    Files.writeString(dataset.resolve("queries.jsonl"), String.join("\n", QUERIES.subList(0, queries)));
    Files.createDirectories(dataset.resolve("qrels"));
    StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
    for (int q = 1; q <= queries; q++) {
      qrels.append('q').append(q).append("\td").append(q).append("\t1\n");
    }
    Files.writeString(dataset.resolve("qrels/test.tsv"), qrels.toString());
  }

  /** {@code quarry eval --dataset DATASET --data-dir DATA_DIR EXTRA...}: its exit code; its standard output into {@code out}. */
  static int eval(Path dataset, Path dataDir, StringBuilder out, String... extra) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      List<String> args = new ArrayList<>(List.of("eval", "--dataset", dataset.toString(), "--data-dir", dataDir.toString()));
      args.addAll(List.of(extra));
      return Main.run(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      out.append(bytes.toString(StandardCharsets.UTF_8));
    }
  }
}

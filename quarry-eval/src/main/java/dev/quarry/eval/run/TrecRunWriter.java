package dev.quarry.eval.run;

import dev.quarry.core.error.StorageException;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes TREC run files: {@code qid Q0 docid rank score tag}, one line per document, the top
 * {@code depth} documents of each query, ranks from 1.
 *
 * <p>Decision on ties: scores are never altered. Lines are written in trec_eval's own order (score
 * descending, equal scores by document id descending; see {@link Ranking}), which is also the order
 * Quarry's metrics read, and each score is printed as the shortest decimal that parses back to the
 * same double ({@link Double#toString(double)}). So trec_eval, re-sorting by score, reads exactly
 * the order and cut-off written here, and computes exactly the metrics this module computes. Where
 * a retriever returned equal scores in another order, the file (like the metrics) shows trec_eval's
 * order, not the retriever's; nudging scores instead would invent scores the system never produced.
 */
public final class TrecRunWriter {

  private final String tag;
  private final int depth;

  /**
   * @param tag the run tag of every line (no whitespace)
   * @param depth how many documents per query to write at most
   */
  public TrecRunWriter(String tag, int depth) {
    if (tag == null || tag.isEmpty() || tag.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("run tag must be non-empty without whitespace, got: '" + tag + "'");
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be at least 1, got: " + depth);
    }
    this.tag = tag;
    this.depth = depth;
  }

  /** Writes {@code run} to {@code file} (replacing it), creating parent directories. */
  public void write(Path file, TrecRun run) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        write(out, run);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write run file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code run} to {@code out}, queries in the run's order; does not close {@code out}. */
  public void write(Writer out, TrecRun run) throws IOException {
    for (Map.Entry<String, Ranking> e : run.rankings().entrySet()) {
      writeQuery(out, e.getKey(), e.getValue());
    }
  }

  /** Writes one query's top {@code depth} lines. */
  public void writeQuery(Writer out, String queryId, Ranking ranking) throws IOException {
    requireToken("query id", queryId);
    Ranking top = ranking.top(depth);
    StringBuilder line = new StringBuilder(64);
    for (int i = 0; i < top.size(); i++) {
      ScoredDoc doc = top.get(i);
      requireToken("document id", doc.docId());
      line.setLength(0);
      line.append(queryId).append(" Q0 ").append(doc.docId()).append(' ').append(i + 1).append(' ')
          .append(Double.toString(doc.score())).append(' ').append(tag).append('\n');
      out.write(line.toString());
    }
  }

  private static void requireToken(String what, String value) {
    if (value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(what + " '" + value + "' contains whitespace, which a TREC run file cannot hold");
    }
  }
}

package dev.quarry.eval.run;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a TREC run file ({@code qid Q0 docid rank score tag}, whitespace-separated) as trec_eval
 * does: the rank, {@code Q0} and tag columns are checked for shape but ignored, and each query's
 * documents are ordered by score (see {@link Ranking}). A document listed twice for one query is an
 * error, as in trec_eval; problems are reported as {@code file:line: reason}.
 */
public final class TrecRunReader {

  private TrecRunReader() {}

  public static TrecRun read(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new NotFoundException("run file not found: " + file, e);
    } catch (IOException e) {
      throw new StorageException("cannot read run file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a run from {@code in} (not closed), naming {@code source} in error messages.
   *
   * @throws IOException when {@code in} fails
   */
  public static TrecRun read(BufferedReader in, String source) throws IOException {
    Map<String, List<ScoredDoc>> hits = new LinkedHashMap<>();
    Map<String, Set<String>> seen = new LinkedHashMap<>();
    int number = 0;
    String line;
    while ((line = in.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.strip().split("\\s+");
      if (f.length != 6) {
        throw malformed(source, number, "expected 6 fields 'qid Q0 docid rank score tag', got " + f.length);
      }
      try {
        Integer.parseInt(f[3]);
      } catch (NumberFormatException e) {
        throw malformed(source, number, "rank must be an integer, got: '" + f[3] + "'");
      }
      double score;
      try {
        score = Double.parseDouble(f[4]);
      } catch (NumberFormatException e) {
        throw malformed(source, number, "score must be a number, got: '" + f[4] + "'");
      }
      if (!Double.isFinite(score)) {
        throw malformed(source, number, "score must be finite, got: '" + f[4] + "'");
      }
      if (!seen.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[2])) {
        throw malformed(source, number, "document '" + f[2] + "' is listed twice for query '" + f[0] + "'");
      }
      hits.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new ScoredDoc(f[2], score));
    }
    Map<String, Ranking> rankings = new LinkedHashMap<>();
    hits.forEach((q, docs) -> rankings.put(q, Ranking.of(docs)));
    return new TrecRun(rankings);
  }

  private static InvalidInputException malformed(String source, int line, String reason) {
    return new InvalidInputException(source + ":" + line + ": " + reason);
  }
}

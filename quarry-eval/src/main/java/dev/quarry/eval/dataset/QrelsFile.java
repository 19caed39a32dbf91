package dev.quarry.eval.dataset;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a BEIR qrels file: a header line {@code query-id<TAB>corpus-id<TAB>score}, then one
 * judgment per line with an integer grade. Blank lines are skipped. Ids may not contain whitespace
 * (TREC run files and trec_eval split on it). A repeated (query, document) pair is an error, as it
 * is for trec_eval; so is an empty file (a header alone judges nothing). Every problem is reported
 * as {@code file:line: reason}.
 */
public final class QrelsFile {

  static final String HEADER = "query-id\tcorpus-id\tscore";

  private QrelsFile() {}

  public static Qrels read(Path file) {
    Map<String, Map<String, Integer>> grades = new LinkedHashMap<>();
    Set<String> pairs = new HashSet<>();
    int[] lines = {0};
    TextLines.forEach(
        file,
        (number, line) -> {
          lines[0] = number;
          if (number == 1) {
            if (!line.strip().equals(HEADER)) {
              throw TextLines.malformed(
                  file, number, "expected the header 'query-id<TAB>corpus-id<TAB>score', got: '" + line + "'");
            }
            return;
          }
          if (line.isBlank()) {
            return;
          }
          String[] fields = line.split("\t", -1);
          if (fields.length != 3) {
            throw TextLines.malformed(
                file, number, "expected 3 tab-separated fields (query-id, corpus-id, score), got " + fields.length + ": '" + line + "'");
          }
          String queryId = requireId(file, number, "query id", fields[0]);
          String docId = requireId(file, number, "corpus id", fields[1]);
          int grade;
          try {
            grade = Integer.parseInt(fields[2].strip());
          } catch (NumberFormatException e) {
            throw TextLines.malformed(file, number, "score must be an integer, got: '" + fields[2] + "'");
          }
          if (!pairs.add(queryId + '\t' + docId)) {
            throw TextLines.malformed(
                file, number, "duplicate judgment for query '" + queryId + "' and document '" + docId + "'");
          }
          grades.computeIfAbsent(queryId, k -> new LinkedHashMap<>()).put(docId, grade);
        });
    if (lines[0] == 0) {
      throw TextLines.malformed(file, 1, "empty file; expected the header 'query-id<TAB>corpus-id<TAB>score'");
    }
    return new Qrels(grades);
  }

  private static String requireId(Path file, int number, String what, String raw) {
    if (raw.isEmpty()) {
      throw TextLines.malformed(file, number, what + " is empty");
    }
    if (raw.chars().anyMatch(Character::isWhitespace)) {
      throw TextLines.malformed(file, number, what + " contains whitespace: '" + raw + "'");
    }
    return raw;
  }
}

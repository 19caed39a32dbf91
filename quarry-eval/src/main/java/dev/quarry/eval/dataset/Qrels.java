package dev.quarry.eval.dataset;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Relevance judgments of one split: query id to document id to graded relevance, in file order.
 *
 * <p>Grades are kept as written (they may be zero or negative); what a grade means is decided by
 * the metrics: a grade of at least 1 is relevant, a grade of 0 or less is judged non-relevant and
 * gains nothing. Every query listed has at least one judgment.
 */
public record Qrels(Map<String, Map<String, Integer>> grades) {

  public Qrels {
    LinkedHashMap<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    grades.forEach(
        (queryId, docs) -> {
          requireId("query id", queryId);
          if (docs.isEmpty()) {
            throw new IllegalArgumentException("query '" + queryId + "' has no judgments");
          }
          LinkedHashMap<String, Integer> docCopy = new LinkedHashMap<>();
          docs.forEach(
              (docId, grade) -> {
                requireId("document id", docId);
                docCopy.put(docId, java.util.Objects.requireNonNull(grade, "grade of " + docId));
              });
          copy.put(queryId, Collections.unmodifiableMap(docCopy));
        });
    grades = Collections.unmodifiableMap(copy);
  }

  /** The judged queries, in file order. */
  public Set<String> queryIds() {
    return grades.keySet();
  }

  /** The judgments of one query: document id to grade; empty when the query is not judged. */
  public Map<String, Integer> of(String queryId) {
    return grades.getOrDefault(queryId, Map.of());
  }

  public boolean contains(String queryId) {
    return grades.containsKey(queryId);
  }

  /** The number of (query, document) judgments. */
  public int judgmentCount() {
    return grades.values().stream().mapToInt(Map::size).sum();
  }

  private static void requireId(String what, String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}

package dev.quarry.eval.metric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One query's relevance judgments as trec_eval reads them (relevance level 1, no gain file): a
 * document is relevant when its grade is at least 1; its nDCG gain is its grade, and grades of 0 or
 * below gain nothing (they are judged non-relevant). Unjudged documents are non-relevant.
 */
public final class Judgments {

  private static final Judgments NONE = new Judgments(Map.of());

  private final Map<String, Integer> grades;
  private final int relevantCount;
  private final int[] idealGains;

  private Judgments(Map<String, Integer> grades) {
    this.grades = Collections.unmodifiableMap(new LinkedHashMap<>(grades));
    this.relevantCount = (int) grades.values().stream().filter(g -> g >= 1).count();
    this.idealGains =
        grades.values().stream().filter(g -> g > 0).sorted(Collections.reverseOrder()).mapToInt(Integer::intValue).toArray();
  }

  /** Judgments from document id to grade, e.g. one query of {@code Qrels}. */
  public static Judgments of(Map<String, Integer> grades) {
    grades.forEach(
        (doc, grade) -> {
          if (doc == null || doc.isBlank() || grade == null) {
            throw new IllegalArgumentException("judgments need a document id and a grade, got: " + doc + " -> " + grade);
          }
        });
    return grades.isEmpty() ? NONE : new Judgments(grades);
  }

  public static Judgments none() {
    return NONE;
  }

  /** The document's nDCG gain: its grade when positive, else 0. */
  public int gain(String docId) {
    return Math.max(0, grades.getOrDefault(docId, 0));
  }

  /** Whether the document's grade is at least 1. */
  public boolean isRelevant(String docId) {
    return grades.getOrDefault(docId, 0) >= 1;
  }

  /** The number of relevant documents of the query, the denominator of recall and MAP. */
  public int relevantCount() {
    return relevantCount;
  }

  /** DCG of the ideal ranking cut at {@code k}: all positive gains, largest first. */
  double idealDcg(int k) {
    double sum = 0;
    for (int i = 0; i < idealGains.length && i < k; i++) {
      sum += idealGains[i] / Ndcg.log2(i + 2);
    }
    return sum;
  }

  public Map<String, Integer> grades() {
    return grades;
  }
}

package dev.quarry.eval.metric;

/**
 * Recall@k as trec_eval's {@code recall.k}: relevant documents (grade &gt;= 1) in the top k divided
 * by all relevant documents of the query; 0 when the query has none.
 */
public record Recall(int k) implements Metric {
  public Recall {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got: " + k);
    }
  }

  @Override
  public String name() {
    return "recall@" + k;
  }

  @Override
  public double score(Ranking ranking, Judgments judgments) {
    if (judgments.relevantCount() == 0) {
      return 0;
    }
    return (double) relevantInTop(ranking, judgments, k) / judgments.relevantCount();
  }

  static int relevantInTop(Ranking ranking, Judgments judgments, int k) {
    int found = 0;
    for (int i = 0; i < ranking.size() && i < k; i++) {
      if (judgments.isRelevant(ranking.get(i).docId())) {
        found++;
      }
    }
    return found;
  }
}

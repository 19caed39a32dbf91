package dev.quarry.eval.metric;

/**
 * MAP@k for one query, as trec_eval's {@code map_cut.k}: the sum, over relevant documents (grade
 * &gt;= 1) at ranks r &lt;= k, of the precision at r, divided by the number of all relevant
 * documents of the query (not capped at k); 0 when the query has none.
 */
public record AveragePrecision(int k) implements Metric {
  public AveragePrecision {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got: " + k);
    }
  }

  @Override
  public String name() {
    return "map@" + k;
  }

  @Override
  public double score(Ranking ranking, Judgments judgments) {
    if (judgments.relevantCount() == 0) {
      return 0;
    }
    double sum = 0;
    int found = 0;
    for (int i = 0; i < ranking.size() && i < k; i++) {
      if (judgments.isRelevant(ranking.get(i).docId())) {
        found++;
        sum += (double) found / (i + 1);
      }
    }
    return sum / judgments.relevantCount();
  }
}

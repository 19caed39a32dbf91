package dev.quarry.eval.metric;

/**
 * P@k as trec_eval's {@code P.k}: relevant documents (grade &gt;= 1) in the top k divided by k, also
 * when fewer than k documents were retrieved.
 */
public record Precision(int k) implements Metric {
  public Precision {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got: " + k);
    }
  }

  @Override
  public String name() {
    return "p@" + k;
  }

  @Override
  public double score(Ranking ranking, Judgments judgments) {
    return (double) Recall.relevantInTop(ranking, judgments, k) / k;
  }
}

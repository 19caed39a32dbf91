package dev.quarry.eval.metric;

/**
 * nDCG@k as trec_eval's {@code ndcg_cut.k}: DCG = sum over ranks r &lt;= k of gain / log2(r + 1),
 * gain being the document's grade (0 when unjudged or graded 0 or below); divided by the DCG of the
 * ideal ranking of all the query's positively graded documents, cut at k. 0 when the query has no
 * positive grade.
 */
public record Ndcg(int k) implements Metric {
  public Ndcg {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got: " + k);
    }
  }

  @Override
  public String name() {
    return "ndcg@" + k;
  }

  @Override
  public double score(Ranking ranking, Judgments judgments) {
    double ideal = judgments.idealDcg(k);
    if (ideal == 0) {
      return 0;
    }
    double dcg = 0;
    for (int i = 0; i < ranking.size() && i < k; i++) {
      int gain = judgments.gain(ranking.get(i).docId());
      if (gain > 0) {
        dcg += gain / log2(i + 2);
      }
    }
    return dcg / ideal;
  }

  static double log2(int x) {
    return Math.log(x) / Math.log(2);
  }
}

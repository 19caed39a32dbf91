package dev.quarry.eval.metric;

/**
 * MRR@k for one query: 1 / rank of the first relevant document (grade &gt;= 1) within the top k, 0
 * when there is none. Equals trec_eval's {@code recip_rank} on a run cut to its top k documents
 * ({@code trec_eval -M k}), which is what BEIR reports as MRR@k.
 */
public record ReciprocalRank(int k) implements Metric {
  public ReciprocalRank {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got: " + k);
    }
  }

  @Override
  public String name() {
    return "mrr@" + k;
  }

  @Override
  public double score(Ranking ranking, Judgments judgments) {
    for (int i = 0; i < ranking.size() && i < k; i++) {
      if (judgments.isRelevant(ranking.get(i).docId())) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }
}

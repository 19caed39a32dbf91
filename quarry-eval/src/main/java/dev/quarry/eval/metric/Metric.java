package dev.quarry.eval.metric;

/**
 * A per-query retrieval measure with a rank cut-off, computed as trec_eval 9.x computes its
 * counterpart on the {@link Ranking} (already in trec_eval's order). Averages over queries are the
 * caller's (see {@link BeirMetrics#mean}).
 */
public sealed interface Metric permits Ndcg, ReciprocalRank, Recall, Precision, AveragePrecision {

  /** The rank cut-off. */
  int k();

  /** The name used in reports, e.g. {@code ndcg@10}. */
  String name();

  /** The value for one query, in [0, 1]. */
  double score(Ranking ranking, Judgments judgments);
}

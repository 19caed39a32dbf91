package dev.quarry.eval.metric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measures BEIR reports, with trec_eval semantics: nDCG@10 ({@code ndcg_cut.10}), MRR@10
 * ({@code recip_rank} on the top 10), Recall@100 ({@code recall.100}), P@10 ({@code P.10}) and
 * MAP@100 ({@code map_cut.100}). One instance holds either one query's values or their mean.
 *
 * <p>Averages follow {@code trec_eval -c}: every query of the split counts, a query that retrieved
 * nothing or has no relevant document scores 0. (BEIR's own averaging through pytrec_eval skips
 * queries missing from the run; with a retriever that always returns hits the two agree.)
 */
public record BeirMetrics(double ndcgAt10, double mrrAt10, double recallAt100, double precisionAt10, double mapAt100) {

  public static final Ndcg NDCG_10 = new Ndcg(10);
  public static final ReciprocalRank MRR_10 = new ReciprocalRank(10);
  public static final Recall RECALL_100 = new Recall(100);
  public static final Precision P_10 = new Precision(10);
  public static final AveragePrecision MAP_100 = new AveragePrecision(100);

  /** The measures in report order. */
  public static final List<Metric> MEASURES = List.of(NDCG_10, MRR_10, RECALL_100, P_10, MAP_100);

  /** The deepest cut-off among the measures: a ranking deeper than this changes nothing. */
  public static final int MAX_CUTOFF = 100;

  public BeirMetrics {
    double[] values = {ndcgAt10, mrrAt10, recallAt100, precisionAt10, mapAt100};
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] >= 0 && values[i] <= 1)) {
        throw new IllegalArgumentException(MEASURES.get(i).name() + " must be in [0, 1], got: " + values[i]);
      }
    }
  }

  /** One query's values. */
  public static BeirMetrics of(Ranking ranking, Judgments judgments) {
    return new BeirMetrics(
        NDCG_10.score(ranking, judgments),
        MRR_10.score(ranking, judgments),
        RECALL_100.score(ranking, judgments),
        P_10.score(ranking, judgments),
        MAP_100.score(ranking, judgments));
  }

  /** The arithmetic mean over queries, summed in order as trec_eval does. */
  public static BeirMetrics mean(List<BeirMetrics> perQuery) {
    if (perQuery.isEmpty()) {
      throw new IllegalArgumentException("cannot average metrics over no queries");
    }
    double[] sum = new double[5];
    for (BeirMetrics m : perQuery) {
      double[] v = m.values();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += v[i];
      }
    }
    int n = perQuery.size();
    return new BeirMetrics(sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n);
  }

  /** Measure name (as in {@link Metric#name()}) to value, in report order. */
  public Map<String, Double> byName() {
    Map<String, Double> map = new LinkedHashMap<>();
    double[] v = values();
    for (int i = 0; i < v.length; i++) {
      map.put(MEASURES.get(i).name(), v[i]);
    }
    return map;
  }

  private double[] values() {
    return new double[] {ndcgAt10, mrrAt10, recallAt100, precisionAt10, mapAt100};
  }
}

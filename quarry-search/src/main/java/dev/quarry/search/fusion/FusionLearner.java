package dev.quarry.search.fusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fits a learned fusion's weights to judged queries by coordinate ascent on mean nDCG@10 (Metzler
 * and Croft, "Linear feature-based models for information retrieval", 2007; RankLib's
 * CoordinateAscent): one weight at a time, try steps of several sizes either way, keep the best
 * gain, until a round improves by less than {@link #MIN_GAIN}. It optimises the metric itself (no
 * surrogate loss), needs no hyper-parameters beyond the step sizes, and with a dozen features and a
 * few thousand queries takes seconds. Weights are kept at unit L1 norm (a ranking does not change
 * with scale). It starts from {@code start}, so a fit is never worse than the start on the data it
 * was fitted on.
 */
public final class FusionLearner {

  /** Smallest round-over-round gain in mean nDCG@10 that keeps the ascent going. */
  static final double MIN_GAIN = 1e-5;

  private static final double[] STEPS = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0};

  private static final int MAX_ROUNDS = 25;

  private static final int CUT = 10;

  /**
   * One judged query: each candidate's features and gain (its grade, 0 when unjudged), candidate
   * ids (ties break by id descending, as trec_eval), and the ideal DCG@10 over all its judgments.
   */
  public record Query(double[][] features, double[] gains, String[] ids, double idealDcg) {
    public Query {
      if (features.length != gains.length || gains.length != ids.length) {
        throw new IllegalArgumentException("features, gains and ids must have one row per candidate");
      }
    }
  }

  /** Per-fold scores of a cross-validation: the fitted model's and the baseline's, on held-out queries. */
  public record CrossValidation(double[] learned, double[] baseline, List<double[]> weights) {
    public double meanLearned() {
      return Arrays.stream(learned).average().orElse(0);
    }

    public double meanBaseline() {
      return Arrays.stream(baseline).average().orElse(0);
    }
  }

  private FusionLearner() {}

  /** Coordinate ascent from {@code start}; returns the weights, L1-normalised. */
  public static double[] fit(List<Query> queries, double[] start) {
    double[] w = normalised(start.clone());
    double best = meanNdcg(queries, w);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      double before = best;
      for (int j = 0; j < w.length; j++) {
        double[] bestW = null;
        for (double step : STEPS) {
          for (int sign = -1; sign <= 1; sign += 2) {
            double[] t = w.clone();
            t[j] += sign * step;
            if (!normalise(t)) {
              continue;
            }
            double m = meanNdcg(queries, t);
            if (m > best + 1e-12) {
              best = m;
              bestW = t;
            }
          }
        }
        if (bestW != null) {
          w = bestW;
        }
      }
      if (best - before < MIN_GAIN) {
        break;
      }
    }
    return w;
  }

  /**
   * {@code folds}-fold cross-validation: queries are shuffled with {@code seed}, split into folds,
   * and each fold is scored by the weights fitted on the others, beside the {@code baseline}
   * scores (each query's nDCG@10 under the configuration to beat, in the same order as queries).
   */
  public static CrossValidation crossValidate(List<Query> queries, double[] baseline, double[] start, int folds, long seed) {
    if (folds < 2 || folds > queries.size()) {
      throw new IllegalArgumentException("folds must be in 2.." + queries.size() + ", got: " + folds);
    }
    if (baseline.length != queries.size()) {
      throw new IllegalArgumentException("one baseline score per query");
    }
    Integer[] order = new Integer[queries.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    List<Integer> shuffled = new ArrayList<>(Arrays.asList(order));
    java.util.Collections.shuffle(shuffled, new Random(seed));
    double[] learned = new double[folds];
    double[] base = new double[folds];
    List<double[]> weights = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      List<Query> train = new ArrayList<>();
      List<Query> held = new ArrayList<>();
      double baseSum = 0;
      for (int i = 0; i < shuffled.size(); i++) {
        int q = shuffled.get(i);
        if (i % folds == f) {
          held.add(queries.get(q));
          baseSum += baseline[q];
        } else {
          train.add(queries.get(q));
        }
      }
      double[] w = fit(train, start);
      weights.add(w);
      learned[f] = meanNdcg(held, w);
      base[f] = baseSum / held.size();
    }
    return new CrossValidation(learned, base, weights);
  }

  /** Mean nDCG@10 of {@code queries} ranked by {@code w}. */
  public static double meanNdcg(List<Query> queries, double[] w) {
    if (queries.isEmpty()) {
      return 0;
    }
    double sum = 0;
    for (Query q : queries) {
      sum += ndcg(q, w);
    }
    return sum / queries.size();
  }

  /** nDCG@10 of one query ranked by {@code w} (trec_eval's {@code ndcg_cut.10}). */
  public static double ndcg(Query q, double[] w) {
    if (q.idealDcg() <= 0) {
      return 0;
    }
    int n = q.gains().length;
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = LearnedScoreFusion.score(w, q.features()[i]);
    }
    // top CUT by partial selection: score descending, id descending
    int[] top = new int[Math.min(CUT, n)];
    boolean[] taken = new boolean[n];
    for (int r = 0; r < top.length; r++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!taken[i] && (best < 0 || s[i] > s[best] || (s[i] == s[best] && q.ids()[i].compareTo(q.ids()[best]) > 0))) {
          best = i;
        }
      }
      taken[best] = true;
      top[r] = best;
    }
    double dcg = 0;
    for (int r = 0; r < top.length; r++) {
      double g = q.gains()[top[r]];
      if (g > 0) {
        dcg += g / (Math.log(r + 2) / Math.log(2));
      }
    }
    return dcg / q.idealDcg();
  }

  /** Ideal DCG@10 of a query with these positive grades. */
  public static double idealDcg(int[] grades) {
    int[] g = grades.clone();
    Arrays.sort(g);
    double dcg = 0;
    for (int r = 0; r < CUT && r < g.length; r++) {
      int grade = g[g.length - 1 - r];
      if (grade > 0) {
        dcg += grade / (Math.log(r + 2) / Math.log(2));
      }
    }
    return dcg;
  }

  private static double[] normalised(double[] w) {
    if (!normalise(w)) {
      throw new IllegalArgumentException("start weights must not all be 0");
    }
    return w;
  }

  private static boolean normalise(double[] w) {
    double l1 = 0;
    for (double x : w) {
      l1 += Math.abs(x);
    }
    if (l1 == 0) {
      return false;
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= l1;
    }
    return true;
  }
}

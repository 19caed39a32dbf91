package dev.quarry.search.fusion;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Normalised score combination ("convex combination", Bruch, Gai and Ingber, TOIS 2023): each
 * list's scores are normalised ({@link ScoreNormalization}) with statistics of its first {@code
 * window} items, and a candidate's score is {@code sum(w_list * norm_list)}.
 *
 * <p>Depth: a list contributes its normalised scores down to its {@code window}-th item; an item
 * deeper than that, and a candidate absent from the list, get the list's floor (the normalised
 * score of its {@code window}-th item, or of its last when it is shorter; for a constant list, one
 * less than its constant). So the fused order of
 * the candidates that matter does not depend on how deep the retrievers were asked to go (the
 * server asks for 100, an evaluation for 1,000), and absence never beats presence.
 *
 * <p>Query-adaptive weights: with {@code adaptivity} {@code a > 0} each list's weight is scaled by
 * its confidence on this query, {@code c^a}, and the weights renormalised to their original sum.
 * The confidence is how far the list's best score stands above the rest of its window, in
 * standard deviations ({@code (s_1 - mean) / sd}, at least a small positive floor): a retriever
 * whose top hit stands out is more often right about it. {@code a = 0} is static weighting.
 *
 * <p>Completion ({@link CompletingFuser}): a candidate absent from a list, given its completed
 * score there, gains {@code w_list * (norm_list(s) - floor_list)} instead of nothing, which is
 * negative when {@code s} normalises below the floor. A constant list has no spread to normalise
 * with: its absent candidates keep its floor.
 */
public final class NormalizedScoreFusion implements CompletingFuser {

  /** Lowest confidence a list can have, so a flat list still counts a little. */
  static final double MIN_CONFIDENCE = 0.1;

  private final ScoreNormalization normalization;
  private final ListWeights weights;
  private final int window;
  private final double adaptivity;

  public NormalizedScoreFusion(ScoreNormalization normalization, ListWeights weights, int window, double adaptivity) {
    if (window < 1) {
      throw new IllegalArgumentException("normalisation window must be at least 1, got: " + window);
    }
    if (!(adaptivity >= 0) || Double.isInfinite(adaptivity)) {
      throw new IllegalArgumentException("adaptivity must be finite and >= 0, got: " + adaptivity);
    }
    this.normalization = normalization;
    this.weights = weights;
    this.window = window;
    this.adaptivity = adaptivity;
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k) {
    return fuse(lists, k, Map.of());
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k, Map<String, Map<String, Float>> completed) {
    int n = lists.size();
    double[] w = new double[n];
    double[] floor = new double[n];
    ScoreNormalization.Linear[] fits = new ScoreNormalization.Linear[n];
    int[] cut = new int[n];
    double weightSum = 0;
    double adaptedSum = 0;
    for (int l = 0; l < n; l++) {
      RankedList list = lists.get(l);
      w[l] = weights.of(list.retriever());
      weightSum += w[l];
      if (list.items().isEmpty()) {
        w[l] = 0;
        continue;
      }
      cut[l] = Math.min(window, list.items().size());
      float[] scores = new float[cut[l]];
      for (int i = 0; i < cut[l]; i++) {
        scores[i] = list.items().get(i).score();
      }
      fits[l] = normalization.fit(scores, cut[l]);
      // a constant list (one hit, or all equal) has no spread to normalise: its hits score the
      // constant and an absent candidate one less, so presence still counts
      floor[l] = fits[l].scale() > 0 ? fits[l].apply(scores[cut[l] - 1]) : fits[l].constant() - 1;
      if (adaptivity > 0) {
        w[l] *= Math.pow(confidence(scores), adaptivity);
      }
      adaptedSum += w[l];
    }
    if (adaptivity > 0 && adaptedSum > 0) {
      for (int l = 0; l < n; l++) {
        w[l] *= weightSum / adaptedSum;
      }
    }
    // every candidate starts from the sum of the floors of the lists, then gains its lift above
    // the floor in each list it is found in (within the window)
    double base = 0;
    for (int l = 0; l < n; l++) {
      base += w[l] * floor[l];
    }
    Accumulator acc = new Accumulator();
    Map<String, Boolean> seen = new HashMap<>();
    for (int l = 0; l < n; l++) {
      RankedList list = lists.get(l);
      for (int i = 0; i < list.items().size(); i++) {
        ScoredChunkRef item = list.items().get(i);
        double lift = i < cut[l] ? w[l] * (fits[l].apply(item.score()) - floor[l]) : 0;
        boolean first = seen.put(item.chunkId(), Boolean.TRUE) == null;
        acc.add(item, list.retriever(), i + 1, (first ? base : 0) + lift);
      }
    }
    for (int l = 0; l < n; l++) {
      RankedList list = lists.get(l);
      Map<String, Float> missed = completed.getOrDefault(list.retriever(), Map.of());
      if (fits[l] == null || fits[l].scale() <= 0 || missed.isEmpty()) {
        continue;
      }
      Set<String> found = new HashSet<>();
      list.items().forEach(item -> found.add(item.chunkId()));
      for (Map.Entry<String, Float> e : missed.entrySet()) {
        if (!found.contains(e.getKey())) {
          acc.complete(e.getKey(), list.retriever(), e.getValue(), w[l] * (fits[l].apply(e.getValue()) - floor[l]));
        }
      }
    }
    return acc.top(k);
  }

  /** {@code (s_1 - mean) / sd} over the window, at least {@link #MIN_CONFIDENCE}. */
  static double confidence(float[] scores) {
    double[] ms = ScoreNormalization.meanAndSd(scores, scores.length);
    double c = ms[1] > 0 ? (scores[0] - ms[0]) / ms[1] : 0;
    return Math.max(MIN_CONFIDENCE, c);
  }
}

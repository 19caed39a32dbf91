package dev.quarry.search.fusion;

import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.FusionModel;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Learned fusion: a candidate's score is the model's weighted sum of its {@link FusionFeatures}.
 * Ties break as every fuser's do (chunk id descending).
 */
public final class LearnedScoreFusion implements Fuser {

  private final double[] weights;
  private final int window;

  public LearnedScoreFusion(FusionModel model) {
    this.weights = weightsOf(model);
    this.window = model.window();
  }

  /**
   * The model's weights in {@link FusionFeatures#NAMES}' order; a feature this version does not
   * compute is an error, one the model leaves out weighs 0.
   */
  public static double[] weightsOf(FusionModel model) {
    double[] w = new double[FusionFeatures.NAMES.size()];
    for (int i = 0; i < model.features().size(); i++) {
      int at = FusionFeatures.NAMES.indexOf(model.features().get(i));
      if (at < 0) {
        throw new IllegalArgumentException("the fusion model uses feature '" + model.features().get(i)
            + "', which this version does not compute (known: " + FusionFeatures.NAMES + "); fit it again");
      }
      w[at] = model.weights().get(i);
    }
    return w;
  }

  /** {@code sum(w[i] * x[i])}. */
  public static double score(double[] w, double[] x) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i] * x[i];
    }
    return s;
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k) {
    FusionFeatures.Candidates c = FusionFeatures.of(lists, window);
    java.util.Map<String, Double> scores = new java.util.HashMap<>();
    for (int i = 0; i < c.items().size(); i++) {
      scores.put(c.items().get(i).chunkId(), score(weights, c.features()[i]));
    }
    Accumulator acc = new Accumulator();
    Set<String> seen = new HashSet<>();
    for (RankedList list : lists) {
      for (int i = 0; i < list.items().size(); i++) {
        ScoredChunkRef item = list.items().get(i);
        Double s = scores.get(item.chunkId());
        if (s == null) {
          continue;
        }
        acc.add(item, list.retriever(), i + 1, seen.add(item.chunkId()) ? s : 0);
      }
    }
    return acc.top(k);
  }
}

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
 *
 * <p>Decision: {@link Fuser} stays one method over the ranked lists. A model that weighs a text
 * feature ({@link #usesText()}) also needs the query and the candidates' stored chunks, which the
 * lists do not carry; such a model is ranked with {@link #fuse(List, int, CandidateTexts)}, which
 * the searcher calls after loading the candidates' chunks, and refuses the plain {@link
 * #fuse(List, int)} rather than rank with text features silently at 0. So a model of list features
 * only, and every other fusion, loads no text.
 */
public final class LearnedScoreFusion implements Fuser {

  private final double[] weights;
  private final int window;
  private final boolean usesText;

  public LearnedScoreFusion(FusionModel model) {
    this.weights = weightsOf(model);
    this.window = model.window();
    boolean text = false;
    for (int i = FusionFeatures.LIST_NAMES.size(); i < weights.length; i++) {
      text |= weights[i] != 0;
    }
    this.usesText = text;
  }

  /** Whether the model weighs a {@link TextFeatures text feature}: ranking then needs the candidates' chunks. */
  public boolean usesText() {
    return usesText;
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

  /**
   * Ranks by a model of list features only.
   *
   * @throws IllegalStateException when the model {@link #usesText() uses text features}
   */
  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k) {
    if (usesText) {
      throw new IllegalStateException("this learned fusion model weighs text features ("
          + TextFeatures.NAMES + "): rank with fuse(lists, k, texts), given the candidates' stored chunks");
    }
    return ranked(lists, k, FusionFeatures.of(lists, window));
  }

  /** Ranks by any model, text features read from {@code texts}. */
  public List<FusedResult> fuse(List<RankedList> lists, int k, CandidateTexts texts) {
    return ranked(lists, k, FusionFeatures.of(lists, window, texts));
  }

  private List<FusedResult> ranked(List<RankedList> lists, int k, FusionFeatures.Candidates c) {
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

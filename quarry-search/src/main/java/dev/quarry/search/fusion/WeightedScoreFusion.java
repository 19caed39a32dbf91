package dev.quarry.search.fusion;

import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import java.util.List;

/**
 * Normalised score combination ("convex combination", Bruch, Gai and Ingber, TOIS 2023): each
 * list's scores are min-max normalised to [0, 1] over the list, and a candidate's score is
 * {@code sum(w_list * norm_list)}; a candidate absent from a list contributes 0 for it. When all
 * scores of a list are equal they normalise to 1. Unlike RRF it keeps score gaps, so a confident
 * retriever can outvote a hesitant one.
 */
public final class WeightedScoreFusion implements Fuser {

  private final ListWeights weights;

  public WeightedScoreFusion(ListWeights weights) {
    this.weights = weights;
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k) {
    Accumulator acc = new Accumulator();
    for (RankedList list : lists) {
      if (list.items().isEmpty()) {
        continue;
      }
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (var item : list.items()) {
        min = Math.min(min, item.score());
        max = Math.max(max, item.score());
      }
      double range = max - min;
      double w = weights.of(list.retriever());
      for (int i = 0; i < list.items().size(); i++) {
        var item = list.items().get(i);
        double norm = range > 0 ? (item.score() - min) / range : 1.0;
        acc.add(item, list.retriever(), i + 1, w * norm);
      }
    }
    return acc.top(k);
  }
}

package dev.quarry.search.fusion;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Normalised score combination ("convex combination", Bruch, Gai and Ingber, TOIS 2023): each
 * list's scores are min-max normalised to [0, 1] over the list, and a candidate's score is
 * {@code sum(w_list * norm_list)}; a candidate absent from a list contributes 0 for it. When all
 * scores of a list are equal they normalise to 1. Unlike RRF it keeps score gaps, so a confident
 * retriever can outvote a hesitant one.
 *
 * <p>With completed scores ({@link CompletingFuser}) a candidate absent from a list is normalised
 * with that list's min and max instead of contributing 0, and contributes less than 0 when its
 * completed score is below the list's min. A constant list has no range to normalise with: its
 * absent candidates still contribute 0.
 */
public final class WeightedScoreFusion implements CompletingFuser {

  private final ListWeights weights;

  public WeightedScoreFusion(ListWeights weights) {
    this.weights = weights;
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k) {
    return fuse(lists, k, Map.of());
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k, Map<String, Map<String, Float>> completed) {
    Accumulator acc = new Accumulator();
    List<Runnable> completions = new ArrayList<>();
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
      Map<String, Float> missed = completed.getOrDefault(list.retriever(), Map.of());
      if (range > 0 && !missed.isEmpty()) {
        Set<String> found = new HashSet<>();
        list.items().forEach(item -> found.add(item.chunkId()));
        double lo = min;
        missed.forEach((chunkId, score) -> {
          if (!found.contains(chunkId)) {
            // after every list is accumulated, so a candidate of a later list is there to complete
            completions.add(() -> acc.complete(chunkId, list.retriever(), score, w * (score - lo) / range));
          }
        });
      }
    }
    completions.forEach(Runnable::run);
    return acc.top(k);
  }
}

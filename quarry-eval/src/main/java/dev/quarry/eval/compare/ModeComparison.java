package dev.quarry.eval.compare;

import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Metric;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One evaluated configuration against a baseline on the same queries: a {@link PairedComparison}
 * per measure of {@link BeirMetrics} (in report order) and the ids of the queries it won and lost on
 * nDCG@10. Built by {@link BaselineComparison#of}, for evaluation jobs and {@code quarry eval
 * --baseline} alike.
 */
public record ModeComparison(String mode, Map<String, PairedComparison> byMetric, List<String> won, List<String> lost) {

  public ModeComparison {
    Objects.requireNonNull(mode, "mode");
    if (!byMetric.keySet().equals(Set.copyOf(names()))) {
      throw new IllegalArgumentException("a comparison needs exactly the measures " + names() + ", got: " + byMetric.keySet());
    }
    Map<String, PairedComparison> ordered = new LinkedHashMap<>();
    for (String name : names()) {
      ordered.put(name, Objects.requireNonNull(byMetric.get(name), name));
    }
    byMetric = Collections.unmodifiableMap(ordered);
    won = List.copyOf(won);
    lost = List.copyOf(lost);
  }

  /**
   * Compares {@code system} with {@code baseline}, query by query: {@code system.get(i)}, {@code
   * baseline.get(i)} and {@code queryIds.get(i)} are the same query's.
   *
   * @param trials permutations of the randomisation test, drawn from {@code seed} (see {@link
   *     PairedComparison#of})
   */
  public static ModeComparison of(
      String mode, List<String> queryIds, List<BeirMetrics> system, List<BeirMetrics> baseline, int trials, long seed) {
    if (queryIds.size() != system.size() || system.size() != baseline.size()) {
      throw new IllegalArgumentException("paired scores must cover the same queries: " + queryIds.size() + " ids, "
          + system.size() + " vs " + baseline.size() + " scores");
    }
    Map<String, PairedComparison> byMetric = new LinkedHashMap<>();
    for (Metric m : BeirMetrics.MEASURES) {
      byMetric.put(m.name(), PairedComparison.of(values(system, m), values(baseline, m), trials, seed));
    }
    List<String> won = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (int i = 0; i < queryIds.size(); i++) {
      double d = system.get(i).ndcgAt10() - baseline.get(i).ndcgAt10();
      if (d > PairedComparison.TIE) {
        won.add(queryIds.get(i));
      } else if (d < -PairedComparison.TIE) {
        lost.add(queryIds.get(i));
      }
    }
    return new ModeComparison(mode, byMetric, won, lost);
  }

  /** The comparison on nDCG@10, the measure tables lead with. */
  public PairedComparison ndcgAt10() {
    return byMetric.get(BeirMetrics.NDCG_10.name());
  }

  private static double[] values(List<BeirMetrics> perQuery, Metric m) {
    return perQuery.stream().mapToDouble(q -> q.byName().get(m.name())).toArray();
  }

  private static List<String> names() {
    return BeirMetrics.MEASURES.stream().map(Metric::name).toList();
  }
}

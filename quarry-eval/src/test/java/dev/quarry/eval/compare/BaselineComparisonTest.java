package dev.quarry.eval.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.eval.metric.BeirMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Configurations against a baseline: every metric is the {@link PairedComparison} of the same
 * per-query values with the shared seed, the queries won and lost on nDCG@10 are named, and the
 * baseline is not compared with itself.
 */
class BaselineComparisonTest {

  private static BeirMetrics q(double ndcg, double recall) {
    return new BeirMetrics(ndcg, ndcg, recall, 0.1, ndcg);
  }

  private static final List<String> IDS = List.of("a", "b", "c", "d");
  private static final List<BeirMetrics> BASE = List.of(q(0.5, 0.9), q(0.4, 0.8), q(0.9, 1.0), q(0.3, 0.5));
  private static final List<BeirMetrics> BETTER = List.of(q(0.7, 0.9), q(0.4, 0.9), q(0.8, 1.0), q(0.6, 0.6));

  @Test
  void eachMetricIsThePairedComparisonOfItsPerQueryValuesWithTheSharedSeed() {
    Map<String, List<BeirMetrics>> perQuery = new LinkedHashMap<>();
    perQuery.put("base", BASE);
    perQuery.put("better", BETTER);
    BaselineComparison c = BaselineComparison.of("base", IDS, BASE, perQuery, 2_000);
    assertEquals(PairedComparison.DEFAULT_SEED, c.seed());
    assertEquals(BeirMetrics.mean(BASE), c.baselineMetrics());
    assertEquals(List.of("better"), c.modes().stream().map(ModeComparison::mode).toList());
    assertTrue(c.of("base").isEmpty(), "the baseline is not compared with itself");
    ModeComparison better = c.of("better").orElseThrow();
    assertEquals(List.of("ndcg@10", "mrr@10", "recall@100", "p@10", "map@100"), List.copyOf(better.byMetric().keySet()));
    assertEquals(PairedComparison.of(new double[] {0.7, 0.4, 0.8, 0.6}, new double[] {0.5, 0.4, 0.9, 0.3}, 2_000,
        PairedComparison.DEFAULT_SEED), better.ndcgAt10());
    assertEquals(PairedComparison.of(new double[] {0.9, 0.9, 1.0, 0.6}, new double[] {0.9, 0.8, 1.0, 0.5}, 2_000,
        PairedComparison.DEFAULT_SEED), better.byMetric().get("recall@100"));
    assertEquals(List.of("a", "d"), better.won());
    assertEquals(List.of("c"), better.lost());
    assertEquals(2, better.ndcgAt10().wins());
    assertEquals(1, better.ndcgAt10().ties());
  }

  @Test
  void refusesScoresOfOtherQueriesAndAModeNamedAsTheBaseline() {
    Map<String, List<BeirMetrics>> shorter = Map.of("better", BETTER.subList(0, 3));
    assertThrows(IllegalArgumentException.class, () -> BaselineComparison.of("base", IDS, BASE, shorter, 100));
    ModeComparison self = ModeComparison.of("base", IDS, BETTER, BASE, 100, 1);
    assertThrows(IllegalArgumentException.class,
        () -> new BaselineComparison("base", BeirMetrics.mean(BASE), 100, 1, List.of(self)));
  }
}

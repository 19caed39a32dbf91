package dev.quarry.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

  @Test
  void tenThousandUnitsSplitByWeightWithinThreeStandardDeviations() {
    TrafficSplit split = new TrafficSplit(List.of(new TrafficSplit.Share("control", 1), new TrafficSplit.Share("new", 3)));
    Map<String, Integer> counts = new HashMap<>();
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      counts.merge(split.assign("exp-1", "user-" + i), 1, Integer::sum);
    }
    double sd = Math.sqrt(n * 0.25 * 0.75); // binomial, about 43
    assertTrue(Math.abs(counts.get("control") - n * 0.25) < 3 * sd, "control got " + counts);
    assertEquals(n, counts.get("control") + counts.get("new"));
  }

  @Test
  void threeEqualArmsAreUniformByChiSquare() {
    TrafficSplit split = new TrafficSplit(List.of(new TrafficSplit.Share("a", 2), new TrafficSplit.Share("b", 2),
        new TrafficSplit.Share("c", 2)));
    Map<String, Integer> counts = new HashMap<>();
    int n = 9_000;
    for (int i = 0; i < n; i++) {
      counts.merge(split.assign("exp-2", "session:" + i), 1, Integer::sum);
    }
    double chi2 = counts.values().stream().mapToDouble(c -> (c - 3000.0) * (c - 3000.0) / 3000.0).sum();
    assertTrue(chi2 < 13.8, "chi-square with 2 degrees of freedom below its 0.999 quantile, got " + chi2 + " " + counts);
  }

  @Test
  void aUnitKeepsItsArmAndExperimentsSplitIndependently() {
    TrafficSplit split = new TrafficSplit(List.of(new TrafficSplit.Share("a", 1), new TrafficSplit.Share("b", 1)));
    int same = 0;
    for (int i = 0; i < 2_000; i++) {
      String first = split.assign("exp-1", "u" + i);
      assertEquals(first, new TrafficSplit(List.of(new TrafficSplit.Share("a", 1), new TrafficSplit.Share("b", 1)))
          .assign("exp-1", "u" + i), "sticky across instances");
      if (first.equals(split.assign("exp-2", "u" + i))) {
        same++;
      }
    }
    assertTrue(Math.abs(same - 1_000) < 150, "another experiment's split is independent: " + same + " of 2000 agree");
  }

  @Test
  void theUnitHashIsStableAndDependsOnTheExperiment() {
    assertEquals(TrafficSplit.unitHash("e", "alice"), TrafficSplit.unitHash("e", "alice"));
    assertNotEquals(TrafficSplit.unitHash("e", "alice"), TrafficSplit.unitHash("f", "alice"));
    assertEquals(64, TrafficSplit.unitHash("e", "alice").length());
  }

  @Test
  void weightsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TrafficSplit.Share("a", 0));
    assertThrows(IllegalArgumentException.class, () -> new TrafficSplit.Share("a", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new TrafficSplit(List.of()));
  }
}

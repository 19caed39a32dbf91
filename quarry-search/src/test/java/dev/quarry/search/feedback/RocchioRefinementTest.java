package dev.quarry.search.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RocchioRefinementTest {

  @Test
  void theRefinedQueryIsTheUnitSumOfTheUnitQueryAndTheWeightedFeedbackMean() {
    // q = (3, 4, 0) is 5 long: q/|q| = (0.6, 0.8, 0); mean of (1, 0, 0) and (0, 0, 1) = (0.5, 0, 0.5);
    // with weight 1: (1.1, 0.8, 0.5), of length sqrt(1.21 + 0.64 + 0.25) = sqrt(2.1)
    float[] refined = RocchioRefinement.refine(new float[] {3, 4, 0},
        List.of(new float[] {1, 0, 0}, new float[] {0, 0, 1}), 1.0).orElseThrow();
    double n = Math.sqrt(2.1);
    assertArrayEquals(new float[] {(float) (1.1 / n), (float) (0.8 / n), (float) (0.5 / n)}, refined, 1e-7f);
  }

  @Test
  void theWeightScalesTheFeedbackAgainstTheQuery() {
    // weight 0.5, one feedback vector (0, 1): (1, 0) + (0, 0.5) = (1, 0.5)
    float[] refined = RocchioRefinement.refine(new float[] {2, 0}, List.<float[]>of(new float[] {0, 1}), 0.5).orElseThrow();
    double n = Math.sqrt(1.25);
    assertArrayEquals(new float[] {(float) (1 / n), (float) (0.5 / n)}, refined, 1e-7f);
  }

  @Test
  void theResultIsUnitLength() {
    float[] refined = RocchioRefinement.refine(new float[] {0.1f, -0.7f, 0.2f, 0.4f},
        List.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new float[] {0, 0, 0.6f, 0.8f}, new float[] {1, 0, 0, 0}), 2.0)
        .orElseThrow();
    double s = 0;
    for (float x : refined) {
      s += (double) x * x;
    }
    assertEquals(1.0, s, 1e-6);
  }

  @Test
  void nothingToRefineWithGivesNothing() {
    assertTrue(RocchioRefinement.refine(new float[] {1, 0}, List.of(), 1.0).isEmpty());
    assertTrue(RocchioRefinement.refine(new float[] {0, 0}, List.<float[]>of(new float[] {1, 0}), 1.0).isEmpty());
    // feedback exactly opposite the query cancels it: no direction left
    assertTrue(RocchioRefinement.refine(new float[] {1, 0}, List.<float[]>of(new float[] {-1, 0}), 1.0).isEmpty());
  }

  @Test
  void aFeedbackVectorOfAnotherDimensionIsRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> RocchioRefinement.refine(new float[] {1, 0}, List.<float[]>of(new float[] {1, 0, 0}), 1.0));
    assertEquals("feedback vector has 3 dimensions; the query has 2", e.getMessage());
  }
}

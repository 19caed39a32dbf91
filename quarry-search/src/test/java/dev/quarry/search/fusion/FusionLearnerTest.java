package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Coordinate ascent on synthetic judged queries where one known feature decides relevance and the
 * rest are noise: the learner must find that feature, from a start that weighs only noise.
 */
class FusionLearnerTest {

  static final int DECIDING = FusionFeatures.NAMES.indexOf("vector_z");

  /** {@code n} queries of 40 candidates with random features; the 3 best by the deciding feature are relevant. */
  static List<FusionLearner.Query> queries(int n, long seed) {
    Random random = new Random(seed);
    List<FusionLearner.Query> out = new ArrayList<>();
    for (int q = 0; q < n; q++) {
      int m = 40;
      double[][] x = new double[m][FusionFeatures.NAMES.size()];
      String[] ids = new String[m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < x[i].length; j++) {
          x[i][j] = random.nextDouble();
        }
        ids[i] = "d" + i;
      }
      double[] gains = new double[m];
      Integer[] order = new Integer[m];
      for (int i = 0; i < m; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> Double.compare(x[b][DECIDING], x[a][DECIDING]));
      for (int r = 0; r < 3; r++) {
        gains[order[r]] = 1;
      }
      out.add(new FusionLearner.Query(x, gains, ids, FusionLearner.idealDcg(new int[] {1, 1, 1})));
    }
    return out;
  }

  static double[] noiseStart() {
    double[] start = new double[FusionFeatures.NAMES.size()];
    start[FusionFeatures.NAMES.indexOf("lexical_minmax")] = 0.4;
    start[FusionFeatures.NAMES.indexOf("vector_minmax")] = 0.6;
    return start;
  }

  @Test
  void theLearnerFindsTheFeatureThatDecidesRelevance() {
    List<FusionLearner.Query> train = queries(150, 1);
    double before = FusionLearner.meanNdcg(train, noiseStart());
    double[] w = FusionLearner.fit(train, noiseStart());
    int largest = 0;
    for (int j = 1; j < w.length; j++) {
      if (Math.abs(w[j]) > Math.abs(w[largest])) {
        largest = j;
      }
    }
    assertEquals("vector_z", FusionFeatures.NAMES.get(largest), java.util.Arrays.toString(w));
    assertTrue(w[DECIDING] > 0.5, java.util.Arrays.toString(w));
    double sum = 0;
    for (double x : w) {
      sum += Math.abs(x);
    }
    assertEquals(1.0, sum, 1e-9, "weights are L1-normalised");
    List<FusionLearner.Query> unseen = queries(100, 2);
    double after = FusionLearner.meanNdcg(unseen, w);
    assertTrue(before < 0.5, "noise ranks poorly: " + before);
    assertTrue(after > 0.9, "the fitted weights rank unseen queries: " + after);
  }

  @Test
  void crossValidationScoresHeldOutFoldsAgainstTheBaseline() {
    List<FusionLearner.Query> qs = queries(100, 3);
    double[] baseline = new double[qs.size()];
    for (int i = 0; i < qs.size(); i++) {
      baseline[i] = FusionLearner.ndcg(qs.get(i), noiseStart());
    }
    FusionLearner.CrossValidation cv = FusionLearner.crossValidate(qs, baseline, noiseStart(), 4, 7);
    assertEquals(4, cv.learned().length);
    assertEquals(4, cv.weights().size());
    assertEquals(java.util.Arrays.stream(baseline).average().orElseThrow(), cv.meanBaseline(), 1e-9);
    assertTrue(cv.meanLearned() > 0.9 && cv.meanBaseline() < 0.5, cv.meanLearned() + " vs " + cv.meanBaseline());
    assertThrows(IllegalArgumentException.class, () -> FusionLearner.crossValidate(qs, baseline, noiseStart(), 1, 7));
  }

  @Test
  void ndcgIsTrecEvalsWithTiesByIdDescending() {
    // two candidates with equal scores: d2 ranks before d1 (id descending); only d1 is relevant
    double[][] x = {{1}, {1}};
    FusionLearner.Query q = new FusionLearner.Query(pad(x), new double[] {1, 0}, new String[] {"d1", "d2"},
        FusionLearner.idealDcg(new int[] {1}));
    double[] w = new double[FusionFeatures.NAMES.size()];
    w[0] = 1;
    assertEquals(1 / (Math.log(3) / Math.log(2)), FusionLearner.ndcg(q, w), 1e-12);
    assertEquals(2 + 1 / (Math.log(3) / Math.log(2)), FusionLearner.idealDcg(new int[] {1, 2}), 1e-12);
  }

  private static double[][] pad(double[][] x) {
    double[][] out = new double[x.length][FusionFeatures.NAMES.size()];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, out[i], 0, x[i].length);
    }
    return out;
  }
}

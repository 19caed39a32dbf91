package dev.quarry.eval.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The paired randomisation test against the exact permutation distribution, computed here by
 * enumerating every sign assignment of a few differences.
 */
class PairedComparisonTest {

  /** The exact two-sided p: the share of the 2^n sign assignments whose |sum| reaches the observed |sum|. */
  private static double exact(double[] d) {
    double observed = Math.abs(java.util.Arrays.stream(d).sum());
    int n = d.length;
    int atLeast = 0;
    for (int mask = 0; mask < (1 << n); mask++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += (mask >> i & 1) == 1 ? d[i] : -d[i];
      }
      if (Math.abs(s) >= observed - 1e-9) {
        atLeast++;
      }
    }
    return atLeast / (double) (1 << n);
  }

  @Test
  void agreesWithTheExactPermutationDistributionAndCountsWinsLossesAndTies() {
    double[] system = {0.9, 0.8, 0.7, 0.75, 0.6, 0.5, 0.4, 0.9, 1.0, 0.3};
    double[] baseline = {0.5, 0.8, 0.6, 0.70, 0.2, 0.55, 0.4, 0.6, 0.7, 0.1};
    double[] d = new double[system.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = system[i] - baseline[i];
    }
    PairedComparison c = PairedComparison.of(system, baseline, 50_000, 7);
    assertEquals(java.util.Arrays.stream(d).average().orElseThrow(), c.meanDifference(), 1e-12);
    assertEquals(7, c.wins());
    assertEquals(1, c.losses());
    assertEquals(2, c.ties());
    double exact = exact(d);
    assertTrue(exact < 0.05, "the example is a significant improvement: " + exact);
    assertEquals(exact, c.pValue(), 0.005, "50,000 permutations estimate the exact p to within a few thousandths");
  }

  @Test
  void identicalSystemsHaveP1AndTheSameSeedGivesTheSameP() {
    double[] a = {0.1, 0.5, 0.9};
    assertEquals(1.0, PairedComparison.of(a, a, 1000, 1).pValue(), 1e-12);
    double[] b = {0.3, 0.2, 0.95};
    assertEquals(PairedComparison.of(a, b, 1000, 3).pValue(), PairedComparison.of(a, b, 1000, 3).pValue());
    assertEquals(exact(new double[] {-0.2, 0.3, -0.05}), PairedComparison.of(a, b, 40_000, 3).pValue(), 0.01);
  }

  @Test
  void refusesUnpairedOrEmptyInput() {
    assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(new double[] {1}, new double[] {1, 2}, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(new double[0], new double[0], 10, 1));
    assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(new double[] {1}, new double[] {1}, 0, 1));
  }
}

package dev.quarry.eval.compare;

import java.util.SplittableRandom;

/**
 * A system against a baseline on the same queries, for one metric: the mean difference, how many
 * queries each won (ties are equal to 1e-9), and the two-sided p-value of a paired randomisation
 * test (Fisher's, as Smucker, Allan and Carterette recommend for IR, 2007): under the null
 * hypothesis the two systems' scores of a query are exchangeable, so each permutation flips the
 * sign of every per-query difference with probability 1/2, and p is the share of permutations
 * whose mean difference is at least as far from 0 as the observed one, counting the observed one
 * ((hits + 1) / (trials + 1)). The generator is seeded, so a comparison repeats exactly.
 */
public record PairedComparison(double meanDifference, int wins, int losses, int ties, double pValue, int trials) {

  /** Permutations when none are given: p is then resolved to about 0.01 at alpha 0.05. */
  public static final int DEFAULT_TRIALS = 10_000;

  /**
   * The seed evaluation jobs and {@code quarry eval --baseline} draw their permutations with, so a
   * comparison of the same per-query scores repeats exactly wherever it is made.
   */
  public static final long DEFAULT_SEED = 20071106L;

  /** Per-query differences within this of 0 are ties. */
  public static final double TIE = 1e-9;

  /**
   * Compares {@code system} with {@code baseline}, query by query ({@code system[i]} and {@code
   * baseline[i]} are the same query's scores).
   */
  public static PairedComparison of(double[] system, double[] baseline, int trials, long seed) {
    if (system.length != baseline.length) {
      throw new IllegalArgumentException("paired scores must cover the same queries: " + system.length + " vs " + baseline.length);
    }
    if (system.length == 0) {
      throw new IllegalArgumentException("no queries to compare");
    }
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be at least 1, got: " + trials);
    }
    int n = system.length;
    double[] d = new double[n];
    double sum = 0;
    int wins = 0;
    int losses = 0;
    for (int i = 0; i < n; i++) {
      d[i] = system[i] - baseline[i];
      sum += d[i];
      if (d[i] > TIE) {
        wins++;
      } else if (d[i] < -TIE) {
        losses++;
      }
    }
    double observed = Math.abs(sum);
    SplittableRandom random = new SplittableRandom(seed);
    int atLeast = 0;
    for (int t = 0; t < trials; t++) {
      double permuted = 0;
      for (int i = 0; i < n; i++) {
        permuted += random.nextBoolean() ? d[i] : -d[i];
      }
      // compared on sums (the same n divides both), with a hair of slack for rounding
      if (Math.abs(permuted) >= observed - TIE) {
        atLeast++;
      }
    }
    return new PairedComparison(sum / n, wins, losses, n - wins - losses, (atLeast + 1.0) / (trials + 1.0), trials);
  }
}

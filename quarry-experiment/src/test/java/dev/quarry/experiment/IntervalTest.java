package dev.quarry.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Expected values from the literature, and re-derived from first principles. */
class IntervalTest {

  @Test
  void wilsonMatchesPublishedValues() {
    // 81 of 263: Wilson 95% interval 0.2553 .. 0.3662 (Newcombe, Statistics in Medicine 1998, Table II)
    Interval i = Interval.wilson(81, 263);
    assertEquals(81.0 / 263, i.estimate(), 1e-12);
    assertEquals(0.2553, i.low(), 5e-5);
    assertEquals(0.3662, i.high(), 5e-5);
    // 0 of 10: (0, 0.27753)
    Interval zero = Interval.wilson(0, 10);
    assertEquals(0.0, zero.low(), 1e-12);
    assertEquals(0.27753, zero.high(), 5e-5);
    assertTrue(Double.isNaN(Interval.wilson(0, 0).estimate()));
  }

  @Test
  void wilsonEqualsItsClosedFormFromFirstPrinciples() {
    // solve |p - q| = z sqrt(q(1-q)/n) for q: the roots of (1 + z^2/n) q^2 - (2p + z^2/n) q + p^2 = 0
    long s = 37;
    long n = 120;
    double p = (double) s / n;
    double z = 1.959963984540054;
    double qa = 1 + z * z / n;
    double qb = -(2 * p + z * z / n);
    double qc = p * p;
    double root = Math.sqrt(qb * qb - 4 * qa * qc);
    Interval i = Interval.wilson(s, n);
    assertEquals((-qb - root) / (2 * qa), i.low(), 1e-12);
    assertEquals((-qb + root) / (2 * qa), i.high(), 1e-12);
  }

  @Test
  void normalMeanUsesTheSampleStandardDeviation() {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7, half-width 1.96 * sqrt(32/7) / sqrt(8)
    Interval i = Interval.normalMean(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
    double half = 1.959963984540054 * Math.sqrt(32.0 / 7) / Math.sqrt(8);
    assertEquals(5.0, i.estimate(), 1e-12);
    assertEquals(5.0 - half, i.low(), 1e-12);
    assertEquals(5.0 + half, i.high(), 1e-12);
    assertEquals(1.4816, half, 1e-4);
    assertTrue(Double.isNaN(Interval.normalMean(new double[] {3}).low()));
    assertEquals(3.0, Interval.normalMean(new double[] {3}).estimate());
  }

  @Test
  void normalMeanFromRunningTotalsIsTheOneFromTheValues() {
    // the same eight values: sum 40, squared deviations from the mean 32
    assertEquals(Interval.normalMean(new double[] {2, 4, 4, 4, 5, 5, 7, 9}), Interval.normalMean(8, 40, 32));
    assertEquals(Interval.normalMean(new double[] {}), Interval.normalMean(0, 0, 0));
    assertEquals(Interval.normalMean(new double[] {3}), Interval.normalMean(1, 3, 0));
    assertEquals(Interval.normalMean(3, 0.30000000000000004, 0), Interval.normalMean(3, 0.30000000000000004, -1e-34),
        "a rounding error below 0 is read as 0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Interval.normalMean(2, 1, Double.NaN));
    assertEquals("need n >= 0 and a sum of squared deviations, got: 2 and NaN", e.getMessage());
  }
}

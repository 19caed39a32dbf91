package dev.quarry.experiment;

import java.util.Objects;

/**
 * An estimate with a two-sided 95% confidence interval [{@code low}, {@code high}] and the name of
 * the method that gave it (for the report). NaN estimates and bounds mean "no data".
 */
public record Interval(double estimate, double low, double high, String method) {

  /** The 97.5% quantile of the standard normal distribution. */
  public static final double Z95 = 1.959963984540054;

  /** Method name of {@link #wilson}. */
  public static final String WILSON = "wilson_95";

  /** Method name of {@link #normalMean}. */
  public static final String NORMAL_MEAN = "normal_95";

  public Interval {
    Objects.requireNonNull(method, "method");
  }

  /**
   * The Wilson score interval (Wilson 1927) of a proportion {@code successes / n}: centre {@code (p +
   * z^2/2n) / (1 + z^2/n)}, half-width {@code z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)}. It stays
   * inside [0, 1] and is sound for small {@code n} and for {@code p} near 0 or 1, where the normal
   * interval is not. NaN for {@code n = 0}.
   */
  public static Interval wilson(long successes, long n) {
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("need 0 <= successes <= n, got: " + successes + " of " + n);
    }
    if (n == 0) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN, WILSON);
    }
    double p = (double) successes / n;
    double z2 = Z95 * Z95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half), WILSON);
  }

  /**
   * The mean of {@code values} with the normal-approximation interval {@code mean +- 1.96 s / sqrt(n)}
   * ({@code s} the sample standard deviation, {@code n - 1} in its denominator). Bounds are NaN for
   * fewer than two values, the estimate too for none.
   */
  public static Interval normalMean(double[] values) {
    int n = values.length;
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return normalMean(n, sum, n == 0 ? 0 : squares);
  }

  /**
   * {@link #normalMean(double[])} from running totals of {@code n} values: their {@code sum} and the
   * sum of their squared deviations from their mean ({@code squaredDeviations}, Welford's M2; below
   * 0 by a rounding error when the values are all equal, read as 0).
   */
  public static Interval normalMean(long n, double sum, double squaredDeviations) {
    if (n < 0 || Double.isNaN(squaredDeviations)) {
      throw new IllegalArgumentException("need n >= 0 and a sum of squared deviations, got: " + n + " and "
          + squaredDeviations);
    }
    if (n == 0) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN, NORMAL_MEAN);
    }
    double mean = sum / n;
    if (n < 2) {
      return new Interval(mean, Double.NaN, Double.NaN, NORMAL_MEAN);
    }
    double half = Z95 * Math.sqrt(Math.max(0, squaredDeviations) / (n - 1)) / Math.sqrt(n);
    return new Interval(mean, mean - half, mean + half, NORMAL_MEAN);
  }
}

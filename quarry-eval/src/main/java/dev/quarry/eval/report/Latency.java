package dev.quarry.eval.report;

import java.util.Arrays;

/**
 * Search latency percentiles over a mode's queries, in milliseconds, by the nearest-rank method
 * (the smallest measured value with at least p% of the measurements at or below it).
 */
public record Latency(double p50Millis, double p95Millis) {

  public Latency {
    if (!(p50Millis >= 0) || !(p95Millis >= p50Millis) || Double.isInfinite(p95Millis)) {
      throw new IllegalArgumentException(
          "latency needs 0 <= p50 <= p95, got: p50 " + p50Millis + ", p95 " + p95Millis);
    }
  }

  /** Percentiles of per-query durations in nanoseconds. */
  public static Latency ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("latency needs at least one measurement");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    if (sorted[0] < 0) {
      throw new IllegalArgumentException("durations must be >= 0, got: " + sorted[0]);
    }
    return new Latency(millis(percentile(sorted, 50)), millis(percentile(sorted, 95)));
  }

  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}

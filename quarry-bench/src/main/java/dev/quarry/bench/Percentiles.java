package dev.quarry.bench;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of latencies in nanoseconds, printed in milliseconds. */
final class Percentiles {

  private final long[] sorted;

  Percentiles(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  double millis(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)",
        millis(50), millis(95), millis(99), sorted[sorted.length - 1] / 1e6, sorted.length);
  }
}

package dev.quarry.bench;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of latencies in nanoseconds, printed in milliseconds. */
public final class Percentiles {

  private final long[] sorted;

  public Percentiles(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  /** The nearest-rank {@code p}-th percentile (0 < p <= 100), in milliseconds. */
  public double millis(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got: " + p);
    }
    // p * n first: p / 100 * n rounds 7 / 100 * 100 up to 7.000000000000001, one rank too high
    int rank = (int) Math.ceil(p * sorted.length / 100.0 - 1e-9);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  public double maxMillis() {
    return sorted[sorted.length - 1] / 1e6;
  }

  public int count() {
    return sorted.length;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)",
        millis(50), millis(95), millis(99), maxMillis(), count());
  }
}

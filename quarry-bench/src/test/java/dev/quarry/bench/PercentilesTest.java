package dev.quarry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  /** 1..n milliseconds, shuffled by a fixed stride so the input is not sorted. */
  private static long[] millis(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((i * 37L) % n + 1) * 1_000_000L;
    }
    return out;
  }

  @Test
  void nearestRankIsTheSmallestValueWithAtLeastPPercentAtOrBelowIt() {
    Percentiles p = new Percentiles(millis(100));
    assertEquals(50.0, p.millis(50));
    assertEquals(95.0, p.millis(95));
    assertEquals(99.0, p.millis(99));
    assertEquals(100.0, p.millis(100));
    assertEquals(1.0, p.millis(0.5));
  }

  @Test
  void integerPercentilesDoNotRoundUpAFloatingPointRank() {
    // 7 / 100.0 * 100 is 7.000000000000001 in doubles: the rank must still be 7, not 8
    Percentiles p = new Percentiles(millis(100));
    for (int q = 1; q <= 100; q++) {
      assertEquals(q, p.millis(q), "p" + q);
    }
  }

  @Test
  void ranksRoundUpBetweenSamples() {
    Percentiles p = new Percentiles(millis(20)); // p95 of 20 samples is the 19th, p99 the 20th
    assertEquals(19.0, p.millis(95));
    assertEquals(20.0, p.millis(99));
    assertEquals(10.0, p.millis(50));
    assertEquals(20.0, p.maxMillis());
    assertEquals(20, p.count());
  }

  @Test
  void aSingleSampleIsEveryPercentile() {
    Percentiles p = new Percentiles(new long[] {2_500_000});
    assertEquals(2.5, p.millis(1));
    assertEquals(2.5, p.millis(99));
  }

  @Test
  void refusesNoSamplesAndPercentilesOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[0]));
    Percentiles p = new Percentiles(LongStream.rangeClosed(1, 10).toArray());
    assertThrows(IllegalArgumentException.class, () -> p.millis(0));
    assertThrows(IllegalArgumentException.class, () -> p.millis(100.5));
  }
}

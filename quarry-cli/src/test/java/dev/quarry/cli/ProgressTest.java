package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The moving rate and ETA, and the progress lines, on a clock the test moves. */
class ProgressTest {

  private static final long SECOND = 1_000_000_000L;

  /** A clock the test sets. */
  private static final class FakeClock {
    long nanos = 1_000 * SECOND;

    long now() {
      return nanos;
    }
  }

  @Test
  void noEstimateDuringTheWarmUpThenOneFromTheRecentRate() {
    ProgressRate rate = new ProgressRate(0);
    rate.sample(1 * SECOND, 1_000);
    assertEquals(Optional.empty(), rate.remaining(1 * SECOND, 1_000, 100_000), "no ETA in the first seconds");
    rate.sample(5 * SECOND, 5_000);
    assertTrue(rate.perSecond().isEmpty(), "the warm-up is not part of the rate");
    rate.sample(6 * SECOND, 6_000);
    assertEquals(1_000, rate.perSecond().orElseThrow(), 1e-9);
    assertEquals(Optional.of(Duration.ofSeconds(94)), rate.remaining(6 * SECOND, 6_000, 100_000));
  }

  @Test
  void aFastStartDoesNotMisleadTheEstimate() {
    // the case: reading runs ahead while queues fill (10% in 2 s), then the job goes at
    // 0.3% a second; the average over the whole run said "ETA 16 s" where 300 s were left
    long total = 1_000_000;
    long steady = 3_000; // per second
    ProgressRate rate = new ProgressRate(0);
    long done = 0;
    for (int s = 1; s <= 60; s++) {
      done += s <= 2 ? 50_000 : steady;
      rate.sample(s * SECOND, done);
      if (s == 10 || s == 60) {
        double left = (total - done) / (double) steady;
        double naive = (total - done) / (done / (double) s);
        Duration eta = rate.remaining(s * SECOND, done, total).orElseThrow();
        assertTrue(naive < left * 0.8, "the whole-run average is off at " + s + " s: " + naive + " vs " + left);
        assertEquals(left, eta.toMillis() / 1000.0, left * 0.02, "at " + s + " s: " + eta);
      }
    }
  }

  @Test
  void closeSamplesAreFoldedAndStallsBringTheRateDown() {
    ProgressRate rate = new ProgressRate(0);
    rate.sample(5 * SECOND, 0);
    rate.sample(5 * SECOND + SECOND / 10, 100); // too close to the last: folded into the next
    assertTrue(rate.perSecond().isEmpty());
    rate.sample(6 * SECOND, 1_000);
    assertEquals(1_000, rate.perSecond().orElseThrow(), 1e-9);
    rate.sample(36 * SECOND, 1_000); // nothing for 30 s
    assertTrue(rate.perSecond().orElseThrow() < 150, "a stall shows: " + rate.perSecond());
    assertEquals(Optional.empty(), new ProgressRate(0).remaining(10 * SECOND, 0, 100), "no rate, no ETA");
    assertEquals(Optional.empty(), rate.remaining(40 * SECOND, 100, 0), "unknown total, no ETA");
  }

  @Test
  void withoutATerminalAPlainLineEveryTenSeconds() {
    FakeClock clock = new FakeClock();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::now);
    long total = 10_000;
    for (int s = 1; s <= 25; s++) {
      clock.nanos += SECOND;
      p.progress(s * 100L, total, s * 10L);
    }
    p.progress(total, total, 1000); // the end: the summary follows, no extra line
    p.finish();
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of(
        "progress: 10% 100 documents, 10.0 docs/s, ETA 1m30s (10s elapsed)",
        "progress: 20% 200 documents, 10.0 docs/s, ETA 1m20s (20s elapsed)"), lines);
  }

  @Test
  void onATerminalOneLineRewrittenAtMostFourTimesASecond() {
    FakeClock clock = new FakeClock();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, clock::now);
    for (int i = 1; i <= 20; i++) {
      clock.nanos += SECOND / 10;
      p.progress(i, 1_000, i);
    }
    p.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    // 2 s of calls every 100 ms: a line every third call (250 ms apart at least), never more than 4 a second
    assertEquals(6, out.chars().filter(c -> c == '\r').count(), out);
    assertTrue(out.endsWith("\u001b[K\n"), out);
    assertTrue(!out.contains("ETA"), "no ETA in the warm-up: " + out);
  }
}

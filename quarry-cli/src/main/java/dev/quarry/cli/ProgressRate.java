package dev.quarry.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The rate at which work advances, as an exponentially weighted moving average of the rates seen
 * between samples, and the time left at that rate.
 *
 * <p>Decisions: a sample closer than {@link #MIN_INTERVAL_NANOS} to the previous one is folded
 * into the next (tiny intervals are noise); each interval of {@code dt} seconds weighs {@code 1 -
 * exp(-dt / tau)}, so the average forgets at the same pace whatever the sampling rate. The first
 * {@link #WARM_UP_NANOS} are left out of the rate altogether (samples then only move the baseline):
 * an ingestion reads ahead of its pipeline while the queues fill, at a rate the pipeline does not
 * keep, and an average over them promised "ETA 16 s" for a 320 s job.
 */
final class ProgressRate {

  /** Time constant of the average: older rates fade to 1/e of their weight in this time. */
  static final double TAU_SECONDS = 15;
  static final long MIN_INTERVAL_NANOS = 500_000_000L;
  static final long WARM_UP_NANOS = 5_000_000_000L;

  private final long startNanos;
  private long lastNanos;
  private long lastDone;
  private double rate = Double.NaN;

  ProgressRate(long startNanos) {
    this.startNanos = startNanos;
    this.lastNanos = startNanos;
  }

  /** Records that {@code done} units are done at time {@code nanos} (same clock as the start). */
  void sample(long nanos, long done) {
    if (nanos - startNanos <= WARM_UP_NANOS) {
      lastNanos = nanos;
      lastDone = done;
      return;
    }
    long dtNanos = nanos - lastNanos;
    if (dtNanos < MIN_INTERVAL_NANOS) {
      return;
    }
    double dt = dtNanos / 1e9;
    double instant = (done - lastDone) / dt;
    rate = Double.isNaN(rate) ? instant : rate + (1 - Math.exp(-dt / TAU_SECONDS)) * (instant - rate);
    lastNanos = nanos;
    lastDone = done;
  }

  /** Units per second, once a first interval after the warm-up has been seen. */
  OptionalDouble perSecond() {
    return Double.isNaN(rate) ? OptionalDouble.empty() : OptionalDouble.of(rate);
  }

  /**
   * The time left for {@code total - done} units at the moving rate; empty during the warm-up,
   * without a rate, at a rate of zero, or when the total is unknown or reached.
   */
  Optional<Duration> remaining(long nanos, long done, long total) {
    if (nanos - startNanos < WARM_UP_NANOS || Double.isNaN(rate) || rate <= 0 || total <= 0 || done >= total) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(Math.round((total - done) / rate * 1000)));
  }
}

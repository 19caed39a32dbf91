package dev.quarry.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The timer of a write-behind buffer (usage counts, ledger rows): runs its {@code flush} every
 * interval on one daemon thread, and once more at {@link #close()}. A flush that fails keeps its
 * rows in the buffer for the next one (the buffer's own contract); here it is only logged, as a
 * warning while the server runs and as an error at close, when what is still buffered is lost.
 */
public final class FlushSchedule implements AutoCloseable {

  /** How long {@link #close()} waits for a flush that is running. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final String what;
  private final Runnable flush;
  private final IntSupplier buffered;
  private final System.Logger log;
  private final ScheduledExecutorService timer;
  private boolean closed; // guarded by this

  private FlushSchedule(String what, Runnable flush, IntSupplier buffered, System.Logger log, String thread) {
    this.what = what;
    this.flush = flush;
    this.buffered = buffered;
    this.log = log;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(thread).daemon().unstarted(r));
  }

  /**
   * Runs {@code flush} every {@code interval} on a thread named {@code quarry-<name>-flush}. {@code
   * what} names the rows in log lines ("usage counts"); {@code buffered} counts those held, for the
   * error of a last flush that fails; {@code log} is the buffer's own logger.
   */
  public static FlushSchedule start(String name, String what, Duration interval, Runnable flush, IntSupplier buffered,
      System.Logger log) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(name + " flush interval must be positive, got: " + interval);
    }
    FlushSchedule s = new FlushSchedule(Objects.requireNonNull(what, "what"), Objects.requireNonNull(flush, "flush"),
        Objects.requireNonNull(buffered, "buffered"), Objects.requireNonNull(log, "log"), "quarry-" + name + "-flush");
    long millis = interval.toMillis();
    s.timer.scheduleWithFixedDelay(s::flushLogged, millis, millis, TimeUnit.MILLISECONDS);
    return s;
  }

  private void flushLogged() {
    try {
      flush.run();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, what + " could not be stored; kept in memory for the next flush: "
          + e.getMessage());
    }
  }

  /** Stops the timer, waits for a running flush, then flushes what is left. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdown();
    try {
      if (!timer.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        log.log(System.Logger.Level.WARNING, "a flush of " + what + " is still running after " + CLOSE_WAIT.toSeconds()
            + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush.run();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, what + " could not be stored at shutdown; " + buffered.getAsInt()
          + " are lost: " + e.getMessage());
    }
  }
}

package dev.quarry.cli;

import dev.quarry.engine.ingest.ProgressListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of an ingestion on standard error, with documents, rate and an ETA from a moving rate
 * ({@link ProgressRate}). On a terminal: one line, rewritten at most four times a second. Elsewhere
 * (pipes, CI, log files) or with JSON output: a plain line every {@link #LINE_INTERVAL}, so a
 * long job is never silent.
 */
final class TerminalProgress implements ProgressListener {

  /** How often a plain progress line is written when not on a terminal. */
  static final Duration LINE_INTERVAL = Duration.ofSeconds(10);
  private static final long REWRITE_NANOS = 250_000_000L;

  private final PrintStream out;
  private final boolean rewrite;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final long intervalNanos;
  private final ProgressRate rate;
  private long lastPrint;
  private boolean printed;

  TerminalProgress(PrintStream out, boolean rewrite, LongSupplier nanoTime) {
    this.out = out;
    this.rewrite = rewrite;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.lastPrint = startNanos;
    this.intervalNanos = rewrite ? REWRITE_NANOS : LINE_INTERVAL.toNanos();
    this.rate = new ProgressRate(startNanos);
  }

  /** Progress on standard error: a rewritten line on an interactive terminal without JSON, plain lines otherwise. */
  static ProgressListener forTerminal(boolean json) {
    java.io.Console console = System.console();
    boolean interactive = console != null && console.isTerminal() && !json;
    return new TerminalProgress(System.err, interactive, System::nanoTime);
  }

  @Override
  public void progress(long done, long total, long documents) {
    long now = nanoTime.getAsLong();
    rate.sample(now, done);
    if (now - lastPrint < intervalNanos || (!rewrite && done >= total)) {
      return; // a finished job's summary follows at once: no last plain line before it
    }
    lastPrint = now;
    double seconds = (now - startNanos) / 1e9;
    String eta = rate.remaining(now, done, total).map(d -> ", ETA " + duration(d)).orElse("");
    String pct = total > 0 ? String.format(Locale.ROOT, "%3.0f%% ", 100.0 * done / total) : "";
    String line = String.format(Locale.ROOT, "%s%,d documents, %.1f docs/s%s",
        pct, documents, seconds > 0 ? documents / seconds : 0, eta);
    if (rewrite) {
      // \r returns to the line start, ESC[K clears what a longer previous line left behind
      out.print("\r" + line + "\u001b[K");
    } else {
      out.printf(Locale.ROOT, "progress: %s (%s elapsed)%n", line.strip(), duration(Duration.ofNanos(now - startNanos)));
    }
    out.flush();
    printed = true;
  }

  /** Ends the progress line so the summary starts on its own line. */
  void finish() {
    if (printed && rewrite) {
      out.println();
    }
  }

  static void finish(ProgressListener p) {
    if (p instanceof TerminalProgress t) {
      t.finish();
    }
  }

  static String duration(Duration d) {
    long s = Math.round(d.toMillis() / 1000.0);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
        : s + "s";
  }
}

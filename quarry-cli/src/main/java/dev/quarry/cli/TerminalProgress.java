package dev.quarry.cli;

import dev.quarry.engine.ingest.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on a terminal: one line, rewritten at most four times a second, with documents, rate
 * and ETA. Silent when stderr is not a terminal (pipes, CI) or when output is JSON.
 */
final class TerminalProgress implements ProgressListener {

  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private long lastPrint;
  private boolean printed;

  private TerminalProgress(PrintStream out) {
    this.out = out;
  }

  /** A listener that prints only when {@code interactive}. */
  static ProgressListener forTerminal(boolean json) {
    java.io.Console console = System.console();
    boolean interactive = console != null && console.isTerminal() && !json;
    return interactive ? new TerminalProgress(System.err) : ProgressListener.NONE;
  }

  @Override
  public void progress(long done, long total, long documents) {
    long now = System.nanoTime();
    if (now - lastPrint < 250_000_000L && done < total) {
      return;
    }
    lastPrint = now;
    double seconds = (now - startNanos) / 1e9;
    double rate = seconds > 0 ? documents / seconds : 0;
    String eta = "";
    if (total > 0 && done > 0 && done < total) {
      double remaining = seconds * (total - done) / done;
      eta = String.format(Locale.ROOT, ", ETA %s", duration(remaining));
    }
    String pct = total > 0 ? String.format(Locale.ROOT, "%3.0f%% ", 100.0 * done / total) : "";
    // \r returns to the line start, ESC[K clears what a longer previous line left behind
    out.printf(Locale.ROOT, "\r%s%,d documents, %.1f docs/s%s\u001b[K", pct, documents, rate, eta);
    out.flush();
    printed = true;
  }

  /** Ends the progress line so the summary starts on its own line. */
  void finish() {
    if (printed) {
      out.println();
    }
  }

  static void finish(ProgressListener p) {
    if (p instanceof TerminalProgress t) {
      t.finish();
    }
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
        : s + "s";
  }
}

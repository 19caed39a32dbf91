package dev.quarry.eval.report;

import dev.quarry.eval.compare.BaselineComparison;
import dev.quarry.eval.compare.ModeComparison;
import dev.quarry.eval.compare.PairedComparison;
import java.util.Locale;

/**
 * Formats a report as a fixed-width table for a terminal, metrics to four decimals as trec_eval
 * prints them:
 *
 * <pre>
 * scifact / test
 * mode     queries  ndcg@10  mrr@10  recall@100    p@10  map@100  p50 ms  p95 ms
 * lexical      300   0.6647  0.6260      0.9076  0.0883   0.6177    1.20    3.40
 * </pre>
 *
 * A mode whose scores disagreed with its ranking gets a note under the table. With a {@link
 * BaselineComparison}, a second table follows: each other mode's nDCG@10 difference from the
 * baseline, the queries it won, lost and tied, and the two-sided p-value of the paired randomisation
 * test:
 *
 * <pre>
 * vs lexical (ndcg@10 0.9161): paired randomisation test on ndcg@10, two-sided, 10000 permutations, seed 20071106
 * mode    ndcg@10 diff  wins  losses  ties  p-value
 * vector       +0.0105     7       4    39   0.7642
 * hybrid       +0.0329     7       1    42   0.1484
 * </pre>
 */
public final class ReportTable {

  private ReportTable() {}

  public static String format(EvalReport report) {
    int modeWidth = Math.max(4, report.results().stream().mapToInt(r -> r.mode().length()).max().orElse(0));
    String header =
        String.format(
            Locale.ROOT,
            "%-" + modeWidth + "s  %7s  %7s  %6s  %10s  %6s  %7s  %6s  %6s%n",
            "mode", "queries", "ndcg@10", "mrr@10", "recall@100", "p@10", "map@100", "p50 ms", "p95 ms");
    StringBuilder out = new StringBuilder();
    out.append(report.dataset()).append(" / ").append(report.split()).append('\n').append(header);
    StringBuilder notes = new StringBuilder();
    for (ModeResult r : report.results()) {
      var m = r.metrics();
      out.append(
          String.format(
              Locale.ROOT,
              "%-" + modeWidth + "s  %7d  %7.4f  %6.4f  %10.4f  %6.4f  %7.4f  %6.2f  %6.2f%n",
              r.mode(), r.queries(), m.ndcgAt10(), m.mrrAt10(), m.recallAt100(), m.precisionAt10(), m.mapAt100(),
              r.latency().p50Millis(), r.latency().p95Millis()));
      if (r.outOfOrderQueries() > 0) {
        notes.append(
            String.format(
                Locale.ROOT,
                "note: %s returned %d of %d queries with scores out of rank order; they were evaluated in score order%n",
                r.mode(), r.outOfOrderQueries(), r.queries()));
      }
    }
    return out.append(notes).toString();
  }

  /** The report's table, then its modes against the baseline. */
  public static String format(EvalReport report, BaselineComparison comparison) {
    StringBuilder out = new StringBuilder(format(report)).append('\n');
    out.append(String.format(Locale.ROOT, "vs %s (ndcg@10 %.4f): paired randomisation test on ndcg@10, two-sided, "
        + "%d permutations, seed %d%n", comparison.baseline(), comparison.baselineMetrics().ndcgAt10(),
        comparison.trials(), comparison.seed()));
    int modeWidth = Math.max(4, comparison.modes().stream().mapToInt(m -> m.mode().length()).max().orElse(0));
    out.append(String.format(Locale.ROOT, "%-" + modeWidth + "s  %12s  %4s  %6s  %4s  %7s%n",
        "mode", "ndcg@10 diff", "wins", "losses", "ties", "p-value"));
    for (ModeComparison m : comparison.modes()) {
      PairedComparison p = m.ndcgAt10();
      out.append(String.format(Locale.ROOT, "%-" + modeWidth + "s  %+12.4f  %4d  %6d  %4d  %7.4f%n",
          m.mode(), p.meanDifference(), p.wins(), p.losses(), p.ties(), p.pValue()));
    }
    return out.toString();
  }
}

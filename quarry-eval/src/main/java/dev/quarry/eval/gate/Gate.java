package dev.quarry.eval.gate;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.report.ModeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks an evaluation against pinned {@link Expectations}: a metric more than its tolerance below
 * its pin fails the gate, as does a pinned mode that was not evaluated; a metric more than its
 * tolerance above its pin passes but is reported, so the pin can be raised.
 */
public final class Gate {

  /** What happened to one pin. */
  public enum Verdict {
    HELD,
    DROPPED,
    ROSE,
    MISSING;

    boolean fails() {
      return this == DROPPED || this == MISSING;
    }
  }

  /** One pin's outcome; {@code actual} is empty when the mode was not evaluated. */
  public record Row(Expectations.Pin pin, Optional<Double> actual, Verdict verdict) {
    public double delta() {
      return actual.map(a -> a - pin.expected()).orElse(Double.NaN);
    }
  }

  /** Every pin's outcome, in the file's order. */
  public record Result(List<Row> rows) {
    public Result {
      rows = List.copyOf(rows);
    }

    public boolean passed() {
      return rows.stream().noneMatch(r -> r.verdict().fails());
    }

    /** The rows whose metric moved beyond its tolerance or could not be checked. */
    public List<Row> moved() {
      return rows.stream().filter(r -> r.verdict() != Verdict.HELD).toList();
    }

    /** A plain-text table of every pin: mode, metric, expected, actual, delta, tolerance, verdict. */
    public String table() {
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s %-11s %9s %9s %9s %9s  %s%n",
          "mode", "metric", "expected", "actual", "delta", "tolerance", "verdict"));
      for (Row r : rows) {
        out.append(String.format(Locale.ROOT, "%-24s %-11s %9.4f %9s %9s %9.4f  %s%n", r.pin().mode(), r.pin().metric(),
            r.pin().expected(), r.actual().map(a -> String.format(Locale.ROOT, "%.4f", a)).orElse("-"),
            r.actual().isPresent() ? String.format(Locale.ROOT, "%+.4f", r.delta()) : "-", r.pin().tolerance(),
            r.verdict()));
      }
      return out.toString();
    }
  }

  private Gate() {}

  public static Result check(EvalReport report, Expectations expectations) {
    expectations.dataset().filter(d -> !d.equalsIgnoreCase(report.dataset())).ifPresent(d -> {
      throw new InvalidInputException("gate pins dataset '" + d + "' but '" + report.dataset() + "' was evaluated");
    });
    expectations.split().filter(s -> !s.equals(report.split())).ifPresent(s -> {
      throw new InvalidInputException("gate pins split '" + s + "' but '" + report.split() + "' was evaluated");
    });
    List<Row> rows = new ArrayList<>();
    for (Expectations.Pin pin : expectations.pins()) {
      Optional<ModeResult> mode = report.results().stream().filter(m -> m.mode().equals(pin.mode())).findFirst();
      if (mode.isEmpty()) {
        rows.add(new Row(pin, Optional.empty(), Verdict.MISSING));
        continue;
      }
      double actual = mode.get().metrics().byName().get(pin.metric());
      // compared at the report table's precision (4 decimals), so a pin copied from it holds exactly
      double delta = Math.round((Math.round(actual * 1e4) / 1e4 - pin.expected()) * 1e6) / 1e6;
      Verdict v = delta < -pin.tolerance() ? Verdict.DROPPED : delta > pin.tolerance() ? Verdict.ROSE : Verdict.HELD;
      rows.add(new Row(pin, Optional.of(actual), v));
    }
    return new Result(rows);
  }
}

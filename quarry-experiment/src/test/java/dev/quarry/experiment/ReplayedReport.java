package dev.quarry.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The report as it was computed before running totals (issue 10): replayed from every impression
 * and feedback event on each read. Kept as the test oracle the totals must agree with.
 */
public final class ReplayedReport {

  private ReplayedReport() {}

  /**
   * The report of an experiment with {@code arms} (names in order; interleaved experiments have two)
   * over its impressions and feedback; feedback on a request id with no impression is ignored.
   */
  public static ExperimentReport of(List<String> arms, boolean interleaved, List<Impression> impressions,
      List<Feedback> feedback) {
    if (interleaved && arms.size() != 2) {
      throw new IllegalArgumentException("an interleaved experiment has two arms, got: " + arms);
    }
    Map<String, Impression> byRequest = new HashMap<>();
    for (Impression i : impressions) {
      byRequest.put(i.requestId(), i);
    }
    Map<String, Tally> tallies = new LinkedHashMap<>();
    for (String arm : arms) {
      tallies.put(arm, new Tally());
    }
    for (Impression i : impressions) {
      if (interleaved) {
        tallies.values().forEach(t -> t.impressions++);
      } else {
        i.arm().map(tallies::get).ifPresent(t -> t.impressions++);
      }
    }
    Map<String, Set<String>> clickedDocs = new HashMap<>();
    for (Feedback f : feedback) {
      Impression i = byRequest.get(f.requestId());
      if (i == null) {
        continue;
      }
      Optional<String> arm = f.docId().isPresent() ? i.creditFor(f.docId().get()) : i.arm();
      Tally t = arm.map(tallies::get).orElse(null);
      switch (f.event()) {
        case CLICK -> {
          f.docId().ifPresent(d -> clickedDocs.computeIfAbsent(i.requestId(), r -> new HashSet<>()).add(d));
          if (t != null) {
            t.clicks++;
            t.clickedRequests.add(i.requestId());
          }
        }
        case RATING -> {
          if (t != null) {
            t.ratings.add(f.value());
          }
        }
        case DWELL -> {
          if (t != null) {
            t.dwells.add(f.value());
          }
        }
      }
    }
    List<ExperimentReport.ArmReport> reports = new ArrayList<>();
    tallies.forEach((arm, t) -> reports.add(new ExperimentReport.ArmReport(arm, t.impressions, t.clicks, t.clickedRequests.size(),
        Interval.wilson(t.clickedRequests.size(), t.impressions), t.ratings.size(), Interval.normalMean(values(t.ratings)),
        t.dwells.size(), Interval.normalMean(values(t.dwells)))));
    Optional<ExperimentReport.Preference> preference = Optional.empty();
    if (interleaved) {
      preference = Optional.of(preference(arms.get(0), arms.get(1), impressions, clickedDocs));
    }
    return new ExperimentReport(reports, preference);
  }

  private static ExperimentReport.Preference preference(String a, String b, List<Impression> impressions,
      Map<String, Set<String>> clickedDocs) {
    long wins = 0;
    long losses = 0;
    long ties = 0;
    long none = 0;
    for (Impression i : impressions) {
      List<TeamDraft.Pick> picks = new ArrayList<>();
      for (Impression.Shown s : i.shown()) {
        s.arm().filter(arm -> arm.equals(a) || arm.equals(b))
            .ifPresent(arm -> picks.add(new TeamDraft.Pick(s.docId(), arm.equals(a) ? TeamDraft.Team.A : TeamDraft.Team.B)));
      }
      switch (TeamDraft.outcome(picks, clickedDocs.getOrDefault(i.requestId(), Set.of()))) {
        case A_WINS -> wins++;
        case B_WINS -> losses++;
        case TIE -> ties++;
        case NO_CLICK -> none++;
      }
    }
    return new ExperimentReport.Preference(a, b, wins, losses, ties, none, Interval.wilson(wins, wins + losses));
  }

  private static double[] values(List<Double> list) {
    return list.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static final class Tally {
    long impressions;
    long clicks;
    final Set<String> clickedRequests = new HashSet<>();
    final List<Double> ratings = new ArrayList<>();
    final List<Double> dwells = new ArrayList<>();
  }
}

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
 * What an experiment's impressions and feedback say about each arm.
 *
 * <p>Per arm: {@code impressions} (responses it ranked, or took part in when interleaved), {@code
 * clicks} (click events credited to it), {@code ctr} (the share of impressions with at least one
 * click credited to the arm, Wilson interval), {@code rating} and {@code dwell_ms} (means of the
 * rating and dwell events credited to it, normal-approximation interval). When interleaved, a click,
 * rating or dwell is credited to the arm whose team contributed its document; a rating without a
 * document credits no arm. The interleaving {@code preference} counts impressions the first arm won,
 * lost and tied on credited clicks (distinct clicked documents), and those without a click; its
 * {@code win_rate} is wins / (wins + losses) with a Wilson interval (0.5: no preference).
 */
public record ExperimentReport(List<ArmReport> arms, Optional<Preference> preference) {

  /** One arm's numbers. */
  public record ArmReport(String arm, long impressions, long clicks, long clickedImpressions, Interval ctr,
      long ratings, Interval rating, long dwells, Interval dwellMs) {}

  /** Interleaving's verdict, from the first arm's side. */
  public record Preference(String arm, String versus, long wins, long losses, long ties, long noClick,
      Interval winRate) {}

  public ExperimentReport {
    arms = List.copyOf(arms);
  }

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
    List<ArmReport> reports = new ArrayList<>();
    tallies.forEach((arm, t) -> reports.add(new ArmReport(arm, t.impressions, t.clicks, t.clickedRequests.size(),
        Interval.wilson(t.clickedRequests.size(), t.impressions), t.ratings.size(), Interval.normalMean(values(t.ratings)),
        t.dwells.size(), Interval.normalMean(values(t.dwells)))));
    Optional<Preference> preference = Optional.empty();
    if (interleaved) {
      preference = Optional.of(preference(arms.get(0), arms.get(1), impressions, clickedDocs));
    }
    return new ExperimentReport(reports, preference);
  }

  private static Preference preference(String a, String b, List<Impression> impressions,
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
    return new Preference(a, b, wins, losses, ties, none, Interval.wilson(wins, wins + losses));
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

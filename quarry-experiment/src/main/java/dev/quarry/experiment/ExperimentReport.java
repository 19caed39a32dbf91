package dev.quarry.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
   * An arm's running totals, what its report is computed from: impressions, clicks credited to it,
   * impressions with at least one such click, and the count, sum and sum of squared deviations from
   * the mean of the ratings and of the dwell times credited to it.
   */
  public record ArmTotals(long impressions, long clicks, long clickedImpressions, long ratings, double ratingSum,
      double ratingSquaredDeviations, long dwells, double dwellSum, double dwellSquaredDeviations) {

    /** An arm nothing was recorded for. */
    public static final ArmTotals NONE = new ArmTotals(0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * The report of an experiment with {@code arms} (names in order; interleaved experiments have two)
   * from each arm's {@code totals} (an arm without is {@link ArmTotals#NONE}) and, when interleaved,
   * the impressions the first arm won, lost and tied on credited clicks (the rest had none).
   */
  public static ExperimentReport of(List<String> arms, boolean interleaved, Map<String, ArmTotals> totals, long wins,
      long losses, long ties) {
    if (interleaved && arms.size() != 2) {
      throw new IllegalArgumentException("an interleaved experiment has two arms, got: " + arms);
    }
    List<ArmReport> reports = new ArrayList<>();
    for (String arm : arms) {
      ArmTotals t = totals.getOrDefault(arm, ArmTotals.NONE);
      reports.add(new ArmReport(arm, t.impressions(), t.clicks(), t.clickedImpressions(),
          Interval.wilson(t.clickedImpressions(), t.impressions()), t.ratings(),
          Interval.normalMean(t.ratings(), t.ratingSum(), t.ratingSquaredDeviations()), t.dwells(),
          Interval.normalMean(t.dwells(), t.dwellSum(), t.dwellSquaredDeviations())));
    }
    Optional<Preference> preference = Optional.empty();
    if (interleaved) {
      long impressions = reports.getFirst().impressions();
      long noClick = impressions - wins - losses - ties;
      if (wins < 0 || losses < 0 || ties < 0 || noClick < 0) {
        throw new IllegalArgumentException("wins, losses and ties must be counts within the " + impressions
            + " impressions, got: " + wins + ", " + losses + ", " + ties);
      }
      preference = Optional.of(new Preference(arms.get(0), arms.get(1), wins, losses, ties, noClick,
          Interval.wilson(wins, wins + losses)));
    }
    return new ExperimentReport(reports, preference);
  }
}

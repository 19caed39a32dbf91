package dev.quarry.store.experiment;

import java.util.Map;

/**
 * An experiment's running totals, kept as its events are written so that its report costs the same
 * however many events it has: per arm ({@code arms}, by name) the counts and sums the report needs,
 * and, for an interleaved experiment, the impressions its first arm won, lost and tied on credited
 * clicks. The semantics are those of {@code ExperimentReport} (quarry-experiment).
 */
public record ExperimentTotals(Map<String, ArmTotals> arms, long wins, long losses, long ties) {

  /**
   * One arm's totals: {@code impressions} it ranked or took part in, {@code clicks} credited to it,
   * {@code clickedImpressions} with at least one such click, and the count, sum and sum of squared
   * deviations from their mean (Welford's M2) of the ratings and dwell times credited to it.
   */
  public record ArmTotals(long impressions, long clicks, long clickedImpressions, long ratings, double ratingSum,
      double ratingSquaredDeviations, long dwells, double dwellSum, double dwellSquaredDeviations) {}

  public ExperimentTotals {
    arms = Map.copyOf(arms);
  }
}

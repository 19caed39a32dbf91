package dev.quarry.store.jdbc;

import dev.quarry.store.experiment.ExperimentTotals;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rows of an experiment's running totals ({@code experiment_arm_totals}, {@code
 * experiment_outcomes}; migration 0013). Each change runs inside the caller's write transaction;
 * rows are locked in one order (arm rows in the experiment's arm order, then the outcome row), so
 * concurrent writers on PostgreSQL queue rather than deadlock.
 */
final class ExperimentTotalsTable {

  private static final String INSERT_ARM = "INSERT INTO experiment_arm_totals (tenant_id, experiment_id, arm, "
      + "impressions, clicks, clicked_impressions, ratings, rating_sum, rating_m2, dwells, dwell_sum, dwell_m2) ";

  private ExperimentTotalsTable() {}

  /** Adds {@code count} impressions to {@code arm}. */
  static void addImpressions(Connection c, TenantId tenant, String experiment, String arm, long count)
      throws SQLException {
    Jdbc.update(c, INSERT_ARM + "VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT (tenant_id, experiment_id, arm) "
        + "DO UPDATE SET impressions = experiment_arm_totals.impressions + excluded.impressions", tenant.value(),
        experiment, arm, count);
  }

  /** Adds a click credited to {@code arm}, the first such in its impression when {@code firstInImpression}. */
  static void addClick(Connection c, TenantId tenant, String experiment, String arm, boolean firstInImpression)
      throws SQLException {
    Jdbc.update(c, INSERT_ARM + "VALUES (?, ?, ?, 0, 1, ?, 0, 0, 0, 0, 0, 0) ON CONFLICT (tenant_id, experiment_id, arm) "
        + "DO UPDATE SET clicks = experiment_arm_totals.clicks + 1, "
        + "clicked_impressions = experiment_arm_totals.clicked_impressions + excluded.clicked_impressions",
        tenant.value(), experiment, arm, firstInImpression ? 1L : 0L);
  }

  /**
   * Adds a rating or dwell time ({@code event}) of {@code value} credited to {@code arm}: count,
   * sum, and the sum of squared deviations by Welford's update, {@code (x - old mean)(x - new
   * mean)} ({@link ExperimentTally.Moments#withValue}, the same arithmetic in SQL).
   */
  static void addValue(Connection c, TenantId tenant, String experiment, String arm, String event, double value)
      throws SQLException {
    String p = event.equals(ExperimentTally.RATING) ? "rating" : "dwell";
    String n = "experiment_arm_totals." + p + "s";
    String sum = "experiment_arm_totals." + p + "_sum";
    String values = p.equals("rating") ? "0, 0, 0, 1, ?, 0, 0, 0, 0" : "0, 0, 0, 0, 0, 0, 1, ?, 0";
    Jdbc.update(c, INSERT_ARM + "VALUES (?, ?, ?, " + values + ") ON CONFLICT (tenant_id, experiment_id, arm) "
        + "DO UPDATE SET " + p + "s = " + n + " + 1, " + p + "_sum = " + sum + " + excluded." + p + "_sum, "
        + p + "_m2 = experiment_arm_totals." + p + "_m2 + CASE WHEN " + n + " = 0 THEN 0 ELSE (excluded." + p
        + "_sum - " + sum + " / " + n + ") * (excluded." + p + "_sum - (" + sum + " + excluded." + p + "_sum) / ("
        + n + " + 1)) END", tenant.value(), experiment, arm, value);
  }

  /** Moves an interleaved impression from outcome {@code from} to {@code to}. */
  static void moveOutcome(Connection c, TenantId tenant, String experiment, ExperimentTally.Outcome from,
      ExperimentTally.Outcome to) throws SQLException {
    if (from == to) {
      return;
    }
    // without a row every impression was without a click: the first move only adds
    Jdbc.update(c, "INSERT INTO experiment_outcomes (tenant_id, experiment_id, wins, losses, ties) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (tenant_id, experiment_id) DO UPDATE SET wins = experiment_outcomes.wins + excluded.wins, "
        + "losses = experiment_outcomes.losses + excluded.losses, ties = experiment_outcomes.ties + excluded.ties",
        tenant.value(), experiment, delta(ExperimentTally.Outcome.WIN, from, to),
        delta(ExperimentTally.Outcome.LOSS, from, to), delta(ExperimentTally.Outcome.TIE, from, to));
  }

  private static long delta(ExperimentTally.Outcome counted, ExperimentTally.Outcome from, ExperimentTally.Outcome to) {
    return (to == counted ? 1L : 0L) - (from == counted ? 1L : 0L);
  }

  /** Writes totals computed elsewhere (the backfill of events recorded before migration 0013). */
  static void insert(Connection c, TenantId tenant, String experiment, ExperimentTotals totals) throws SQLException {
    for (Map.Entry<String, ExperimentTotals.ArmTotals> e : totals.arms().entrySet()) {
      ExperimentTotals.ArmTotals t = e.getValue();
      Jdbc.update(c, INSERT_ARM + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tenant.value(), experiment, e.getKey(),
          t.impressions(),
          t.clicks(), t.clickedImpressions(), t.ratings(), t.ratingSum(), t.ratingSquaredDeviations(), t.dwells(),
          t.dwellSum(), t.dwellSquaredDeviations());
    }
    if (totals.wins() + totals.losses() + totals.ties() > 0) {
      Jdbc.update(c, "INSERT INTO experiment_outcomes (tenant_id, experiment_id, wins, losses, ties) VALUES (?, ?, ?, ?, ?)",
          tenant.value(), experiment, totals.wins(), totals.losses(), totals.ties());
    }
  }

  /**
   * The experiment's totals. The outcomes are read before the arms: outcomes only change on
   * impressions already counted, so a report read during writes never has more outcomes than
   * impressions.
   */
  static ExperimentTotals read(Connection c, TenantId tenant, String experiment) throws SQLException {
    long[] outcomes = Jdbc.one(c, "SELECT wins, losses, ties FROM experiment_outcomes WHERE tenant_id = ? AND "
        + "experiment_id = ?", rs -> new long[] {rs.getLong("wins"), rs.getLong("losses"), rs.getLong("ties")},
        tenant.value(), experiment).orElse(new long[3]);
    Map<String, ExperimentTotals.ArmTotals> arms = new LinkedHashMap<>();
    for (var row : Jdbc.list(c, "SELECT arm, impressions, clicks, clicked_impressions, ratings, rating_sum, rating_m2, "
        + "dwells, dwell_sum, dwell_m2 FROM experiment_arm_totals WHERE tenant_id = ? AND experiment_id = ?",
        rs -> Map.entry(rs.getString("arm"), new ExperimentTotals.ArmTotals(rs.getLong("impressions"),
            rs.getLong("clicks"), rs.getLong("clicked_impressions"), rs.getLong("ratings"), rs.getDouble("rating_sum"),
            rs.getDouble("rating_m2"), rs.getLong("dwells"), rs.getDouble("dwell_sum"), rs.getDouble("dwell_m2"))),
        tenant.value(), experiment)) {
      arms.put(row.getKey(), row.getValue());
    }
    return new ExperimentTotals(arms, outcomes[0], outcomes[1], outcomes[2]);
  }
}

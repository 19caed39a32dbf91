package dev.quarry.store.jdbc;

import dev.quarry.store.experiment.ExperimentTotals;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Migration 0013's second half: replays the events recorded before it into the running totals, by
 * the rules the writes follow from then on ({@link ExperimentTally}), feedback oldest first (as the
 * report read it). Runs once, in the migration's transaction, one experiment at a time; holds one
 * experiment's feedback in memory, as every report read did before.
 */
final class ExperimentTotalsBackfill {

  private ExperimentTotalsBackfill() {}

  private record Definition(TenantId tenant, String id, String kind, List<String> arms) {}

  private record Impression(Optional<String> arm, List<ExperimentTally.Shown> shown) {}

  private record Event(String id, String requestId, String event, Optional<String> docId, double value) {}

  /** Mutable totals of one arm during the replay. */
  private static final class Arm {
    long impressions;
    long clicks;
    long clickedImpressions;
    ExperimentTally.Moments ratings = ExperimentTally.Moments.NONE;
    ExperimentTally.Moments dwells = ExperimentTally.Moments.NONE;

    ExperimentTotals.ArmTotals totals() {
      return new ExperimentTotals.ArmTotals(impressions, clicks, clickedImpressions, ratings.n(), ratings.sum(),
          ratings.squaredDeviations(), dwells.n(), dwells.sum(), dwells.squaredDeviations());
    }
  }

  static void run(Connection c) throws SQLException {
    List<Definition> experiments = Jdbc.list(c,
        "SELECT tenant_id, id, kind, arms FROM experiments ORDER BY tenant_id, id",
        rs -> new Definition(new TenantId(rs.getString("tenant_id")), rs.getString("id"), rs.getString("kind"),
            ExperimentTally.armNames(rs.getString("arms"))));
    for (Definition e : experiments) {
      replay(c, e);
    }
  }

  private static void replay(Connection c, Definition e) throws SQLException {
    Map<String, Arm> arms = new LinkedHashMap<>();
    Map<String, Impression> impressions = new HashMap<>();
    for (var row : Jdbc.list(c, "SELECT request_id, arm, shown FROM experiment_impressions "
        + "WHERE tenant_id = ? AND experiment_id = ? ORDER BY created_at, request_id",
        rs -> Map.entry(rs.getString("request_id"),
            new Impression(Jdbc.optionalText(rs, "arm"), ExperimentTally.shown(rs.getString("shown")))),
        e.tenant().value(), e.id())) {
      impressions.put(row.getKey(), row.getValue());
      for (String counted : ExperimentTally.countedArms(e.kind(), e.arms(), row.getValue().arm())) {
        arms.computeIfAbsent(counted, k -> new Arm()).impressions++;
      }
    }
    List<Event> feedback = Jdbc.list(c, "SELECT id, request_id, event, doc_id, value FROM experiment_feedback "
        + "WHERE tenant_id = ? AND experiment_id = ? ORDER BY created_at, id",
        rs -> new Event(rs.getString("id"), rs.getString("request_id"), rs.getString("event"),
            Jdbc.optionalText(rs, "doc_id"), rs.getDouble("value")), e.tenant().value(), e.id());
    Map<String, Set<String>> clickedArms = new HashMap<>();
    Map<String, Set<String>> clickedDocs = new HashMap<>();
    Map<String, long[]> credits = new LinkedHashMap<>();
    long[] outcomes = new long[ExperimentTally.Outcome.values().length];
    try (PreparedStatement credit = c.prepareStatement(
        "UPDATE experiment_feedback SET credited_arm = ? WHERE tenant_id = ? AND id = ?")) {
      for (Event f : feedback) {
        Impression i = impressions.get(f.requestId());
        Optional<String> credited = ExperimentTally.creditedArm(i.arm(), i.shown(), f.docId());
        switch (f.event()) {
          case ExperimentTally.CLICK -> {
            if (credited.isPresent()) {
              Arm arm = arms.computeIfAbsent(credited.get(), k -> new Arm());
              arm.clicks++;
              if (clickedArms.computeIfAbsent(f.requestId(), k -> new HashSet<>()).add(credited.get())) {
                arm.clickedImpressions++;
              }
            }
            if (f.docId().isPresent() && ExperimentTally.INTERLEAVE.equals(e.kind())
                && clickedDocs.computeIfAbsent(f.requestId(), k -> new HashSet<>()).add(f.docId().get())) {
              long[] added = ExperimentTally.credits(i.shown(), f.docId().get(), e.arms());
              long[] sum = credits.computeIfAbsent(f.requestId(), k -> new long[2]);
              sum[0] += added[0];
              sum[1] += added[1];
            }
          }
          case ExperimentTally.RATING -> credited.ifPresent(a -> {
            Arm arm = arms.computeIfAbsent(a, k -> new Arm());
            arm.ratings = arm.ratings.withValue(f.value());
          });
          case ExperimentTally.DWELL -> credited.ifPresent(a -> {
            Arm arm = arms.computeIfAbsent(a, k -> new Arm());
            arm.dwells = arm.dwells.withValue(f.value());
          });
          default -> {
            // an event the report does not know counts for nothing
          }
        }
        if (credited.isPresent()) {
          credit.setString(1, credited.get());
          credit.setString(2, e.tenant().value());
          credit.setString(3, f.id());
          credit.addBatch();
        }
      }
      credit.executeBatch();
    }
    try (PreparedStatement update = c.prepareStatement("UPDATE experiment_impressions SET credit_first = ?, "
        + "credit_second = ? WHERE tenant_id = ? AND request_id = ?")) {
      for (Map.Entry<String, long[]> r : credits.entrySet()) {
        long[] sum = r.getValue();
        outcomes[ExperimentTally.Outcome.of(sum[0], sum[1]).ordinal()]++;
        if (sum[0] + sum[1] > 0) {
          update.setLong(1, sum[0]);
          update.setLong(2, sum[1]);
          update.setString(3, e.tenant().value());
          update.setString(4, r.getKey());
          update.addBatch();
        }
      }
      update.executeBatch();
    }
    Map<String, ExperimentTotals.ArmTotals> totals = new LinkedHashMap<>();
    arms.forEach((name, arm) -> totals.put(name, arm.totals()));
    ExperimentTotalsTable.insert(c, e.tenant(), e.id(), new ExperimentTotals(totals,
        outcomes[ExperimentTally.Outcome.WIN.ordinal()], outcomes[ExperimentTally.Outcome.LOSS.ordinal()],
        outcomes[ExperimentTally.Outcome.TIE.ordinal()]));
  }
}

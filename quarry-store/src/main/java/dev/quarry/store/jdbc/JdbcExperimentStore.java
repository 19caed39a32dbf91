package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.experiment.Experiment;
import dev.quarry.store.experiment.ExperimentStore;
import dev.quarry.store.experiment.ExperimentTotals;
import dev.quarry.store.experiment.FeedbackRecord;
import dev.quarry.store.experiment.ImpressionRecord;
import dev.quarry.store.experiment.NewExperiment;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcExperimentStore implements ExperimentStore {

  private static final String RUNNING = "RUNNING";
  private static final String STOPPED = "STOPPED";
  private static final String COLUMNS =
      "tenant_id, id, name, collection, kind, assign_by, arms, state, created_at, stopped_at";
  private static final String IMPRESSION_COLUMNS =
      "tenant_id, request_id, experiment_id, arm, unit_hash, shown, created_at";
  private static final String FEEDBACK_COLUMNS =
      "tenant_id, id, request_id, experiment_id, event, doc_id, value, created_at";

  private final Database db;
  private final StoreOptions options;

  JdbcExperimentStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public Experiment create(TenantId tenant, NewExperiment e) {
    Instant now = options.now();
    String id = options.newId();
    return db.write("starting experiment '" + e.name() + "' in tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Optional<String> running = Jdbc.one(c,
          "SELECT id FROM experiments WHERE tenant_id = ? AND collection = ? AND state = ?", rs -> rs.getString("id"),
          tenant.value(), e.collection(), RUNNING);
      if (running.isPresent()) {
        throw new ConflictException("experiment '" + running.get() + "' is already running on collection '"
            + e.collection() + "'; stop it first");
      }
      Jdbc.update(c, "INSERT INTO experiments (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
          tenant.value(), id, e.name(), e.collection(), e.kind(), e.assignBy(), e.arms(), RUNNING, now);
      return new Experiment(id, tenant, e.name(), e.collection(), e.kind(), e.assignBy(), e.arms(), true, now,
          Optional.empty());
    });
  }

  @Override
  public Optional<Experiment> find(TenantId tenant, String id) {
    return db.read("reading experiment '" + id + "'", c -> Jdbc.one(c,
        "SELECT " + COLUMNS + " FROM experiments WHERE tenant_id = ? AND id = ?", JdbcExperimentStore::experiment,
        tenant.value(), id));
  }

  @Override
  public Page<Experiment> list(TenantId tenant, PageRequest page) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM experiments WHERE tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenant.value()));
    NewestFirst.appendPage(sql, params, page);
    return db.read("listing the experiments of tenant '" + tenant + "'", c -> {
      List<Experiment> rows = Jdbc.list(c, sql.toString(), JdbcExperimentStore::experiment, params.toArray());
      return NewestFirst.page(rows, page, Experiment::createdAt, Experiment::id);
    });
  }

  @Override
  public Optional<Experiment> running(TenantId tenant, String collection) {
    return db.read("reading the experiment running on collection '" + collection + "'", c -> Jdbc.one(c,
        "SELECT " + COLUMNS + " FROM experiments WHERE tenant_id = ? AND collection = ? AND state = ?",
        JdbcExperimentStore::experiment, tenant.value(), collection, RUNNING));
  }

  @Override
  public boolean stop(TenantId tenant, String id) {
    Instant now = options.now();
    return db.write("stopping experiment '" + id + "'", c -> Jdbc.update(c,
        "UPDATE experiments SET state = ?, stopped_at = ? WHERE tenant_id = ? AND id = ? AND state = ?",
        STOPPED, now, tenant.value(), id, RUNNING) > 0);
  }

  @Override
  public ImpressionRecord recordImpression(TenantId tenant, String requestId, String experimentId, Optional<String> arm,
      String unitHash, String shown) {
    Instant now = options.now();
    return db.write("recording the impression of request '" + requestId + "'", c -> {
      Definition e = definition(c, tenant, experimentId)
          .orElseThrow(() -> new NotFoundException("experiment '" + experimentId + "' does not exist"));
      Jdbc.update(c, "INSERT INTO experiment_impressions (" + IMPRESSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
          tenant.value(), requestId, experimentId, arm, unitHash, shown, now);
      for (String counted : ExperimentTally.countedArms(e.kind(), e.arms(), arm)) {
        ExperimentTotalsTable.addImpressions(c, tenant, experimentId, counted, 1);
      }
      return new ImpressionRecord(tenant, requestId, experimentId, arm, unitHash, shown, now);
    });
  }

  @Override
  public Optional<ImpressionRecord> findImpression(TenantId tenant, String requestId) {
    return db.read("reading the impression of request '" + requestId + "'", c -> Jdbc.one(c,
        "SELECT " + IMPRESSION_COLUMNS + " FROM experiment_impressions WHERE tenant_id = ? AND request_id = ?",
        JdbcExperimentStore::impression, tenant.value(), requestId));
  }

  @Override
  public FeedbackRecord addFeedback(TenantId tenant, String requestId, String event, Optional<String> docId,
      double value) {
    Instant now = options.now();
    String id = options.newId();
    return db.write("recording feedback on request '" + requestId + "'", c -> {
      // the impression's row lock queues feedback on one request, so "first click" is decided once
      ImpressionState impression = Jdbc.one(c, "SELECT i.experiment_id, i.arm, i.shown, i.credit_first, "
          + "i.credit_second, (SELECT e.kind FROM experiments e WHERE e.tenant_id = i.tenant_id "
          + "AND e.id = i.experiment_id) AS kind, (SELECT e.arms FROM experiments e WHERE e.tenant_id = i.tenant_id "
          + "AND e.id = i.experiment_id) AS arms FROM experiment_impressions i WHERE i.tenant_id = ? AND i.request_id = ?"
          + db.dialect().forUpdate(),
          rs -> new ImpressionState(rs.getString("experiment_id"), Jdbc.optionalText(rs, "arm"), rs.getString("shown"),
              rs.getLong("credit_first"), rs.getLong("credit_second"),
              new Definition(rs.getString("kind"), ExperimentTally.armNames(rs.getString("arms")))),
          tenant.value(), requestId)
          .orElseThrow(() -> new NotFoundException("request '" + requestId + "' has no recorded response"));
      String experiment = impression.experimentId();
      Definition e = impression.experiment();
      List<ExperimentTally.Shown> shown = ExperimentTally.shown(impression.shown());
      Optional<String> credited = ExperimentTally.creditedArm(impression.arm(), shown, docId);
      switch (event) {
        case ExperimentTally.CLICK -> {
          boolean interleavedDoc = docId.isPresent() && ExperimentTally.INTERLEAVE.equals(e.kind());
          if (credited.isEmpty() && !interleavedDoc) {
            break;
          }
          long[] earlier = Jdbc.one(c, "SELECT COUNT(CASE WHEN credited_arm = ? THEN 1 END) AS on_arm, "
              + "COUNT(CASE WHEN doc_id = ? THEN 1 END) AS on_doc FROM experiment_feedback "
              + "WHERE tenant_id = ? AND request_id = ? AND event = ?",
              rs -> new long[] {rs.getLong("on_arm"), rs.getLong("on_doc")}, credited, docId, tenant.value(),
              requestId, event).orElseThrow();
          if (credited.isPresent()) {
            ExperimentTotalsTable.addClick(c, tenant, experiment, credited.get(), earlier[0] == 0);
          }
          if (interleavedDoc && earlier[1] == 0) {
            long[] added = ExperimentTally.credits(shown, docId.get(), e.arms());
            if (added[0] + added[1] > 0) {
              long first = impression.creditFirst() + added[0];
              long second = impression.creditSecond() + added[1];
              Jdbc.update(c, "UPDATE experiment_impressions SET credit_first = ?, credit_second = ? "
                  + "WHERE tenant_id = ? AND request_id = ?", first, second, tenant.value(), requestId);
              ExperimentTotalsTable.moveOutcome(c, tenant, experiment,
                  ExperimentTally.Outcome.of(impression.creditFirst(), impression.creditSecond()),
                  ExperimentTally.Outcome.of(first, second));
            }
          }
        }
        case ExperimentTally.RATING, ExperimentTally.DWELL -> {
          if (credited.isPresent()) {
            ExperimentTotalsTable.addValue(c, tenant, experiment, credited.get(), event, value);
          }
        }
        default -> {
          // an event the report does not know counts for nothing
        }
      }
      Jdbc.update(c, "INSERT INTO experiment_feedback (" + FEEDBACK_COLUMNS + ", credited_arm) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", tenant.value(), id, requestId, experiment, event, docId, value, now,
          credited);
      return new FeedbackRecord(tenant, id, requestId, experiment, event, docId, value, now);
    });
  }

  @Override
  public Optional<ExperimentTotals> totals(TenantId tenant, String experimentId) {
    return db.read("reading the totals of experiment '" + experimentId + "'", c -> {
      if (!Jdbc.exists(c, "SELECT 1 FROM experiments WHERE tenant_id = ? AND id = ?", tenant.value(), experimentId)) {
        return Optional.empty();
      }
      return Optional.of(ExperimentTotalsTable.read(c, tenant, experimentId));
    });
  }

  @Override
  public List<ImpressionRecord> impressions(TenantId tenant, String experimentId) {
    return db.read("reading the impressions of experiment '" + experimentId + "'", c -> Jdbc.list(c,
        "SELECT " + IMPRESSION_COLUMNS + " FROM experiment_impressions WHERE tenant_id = ? AND experiment_id = ? "
            + "ORDER BY created_at, request_id", JdbcExperimentStore::impression, tenant.value(), experimentId));
  }

  @Override
  public List<FeedbackRecord> feedback(TenantId tenant, String experimentId) {
    return db.read("reading the feedback of experiment '" + experimentId + "'", c -> Jdbc.list(c,
        "SELECT " + FEEDBACK_COLUMNS + " FROM experiment_feedback WHERE tenant_id = ? AND experiment_id = ? "
            + "ORDER BY created_at, id", JdbcExperimentStore::feedback, tenant.value(), experimentId));
  }

  /** What the totals need of an experiment: its kind and arm names. */
  private record Definition(String kind, List<String> arms) {}

  /** What feedback needs of its impression. */
  private record ImpressionState(String experimentId, Optional<String> arm, String shown, long creditFirst,
      long creditSecond, Definition experiment) {}

  private static Optional<Definition> definition(Connection c, TenantId tenant, String experimentId)
      throws SQLException {
    return Jdbc.one(c, "SELECT kind, arms FROM experiments WHERE tenant_id = ? AND id = ?",
        rs -> new Definition(rs.getString("kind"), ExperimentTally.armNames(rs.getString("arms"))), tenant.value(),
        experimentId);
  }

  private static Experiment experiment(ResultSet rs) throws SQLException {
    return new Experiment(rs.getString("id"), new TenantId(rs.getString("tenant_id")), rs.getString("name"),
        rs.getString("collection"), rs.getString("kind"), rs.getString("assign_by"), rs.getString("arms"),
        RUNNING.equals(rs.getString("state")), Jdbc.instant(rs, "created_at"), Jdbc.optionalInstant(rs, "stopped_at"));
  }

  private static ImpressionRecord impression(ResultSet rs) throws SQLException {
    return new ImpressionRecord(new TenantId(rs.getString("tenant_id")), rs.getString("request_id"),
        rs.getString("experiment_id"), Jdbc.optionalText(rs, "arm"), rs.getString("unit_hash"), rs.getString("shown"),
        Jdbc.instant(rs, "created_at"));
  }

  private static FeedbackRecord feedback(ResultSet rs) throws SQLException {
    return new FeedbackRecord(new TenantId(rs.getString("tenant_id")), rs.getString("id"), rs.getString("request_id"),
        rs.getString("experiment_id"), rs.getString("event"), Jdbc.optionalText(rs, "doc_id"), rs.getDouble("value"),
        Jdbc.instant(rs, "created_at"));
  }
}

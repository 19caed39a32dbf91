package dev.quarry.store.jdbc;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.evaluation.Evaluation;
import dev.quarry.store.evaluation.EvaluationState;
import dev.quarry.store.evaluation.EvaluationStore;
import dev.quarry.store.evaluation.JudgmentSet;
import dev.quarry.store.evaluation.NewJudgments;
import dev.quarry.store.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

final class JdbcEvaluationStore implements EvaluationStore {

  private static final String JUDGMENT_COLUMNS =
      "tenant_id, name, format, queries, qrels, query_count, judgment_count, fingerprint, created_at, updated_at";
  private static final String COLUMNS = "tenant_id, id, collection, judgments, judgments_fingerprint, request, state, "
      + "result, error, created_at, updated_at, finished_at";

  private final Database db;
  private final StoreOptions options;

  JdbcEvaluationStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public JudgmentSet putJudgments(TenantId tenant, NewJudgments j) {
    Instant now = options.now();
    return db.write("storing judgments '" + j.name() + "' of tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Optional<Instant> created = Jdbc.one(c, "SELECT created_at FROM judgment_sets WHERE tenant_id = ? AND name = ?",
          rs -> Jdbc.instant(rs, "created_at"), tenant.value(), j.name());
      if (created.isPresent()) {
        Jdbc.update(c, "UPDATE judgment_sets SET format = ?, queries = ?, qrels = ?, query_count = ?, judgment_count = ?, "
            + "fingerprint = ?, updated_at = ? WHERE tenant_id = ? AND name = ?", j.format(), j.queries(), j.qrels(),
            j.queryCount(), j.judgmentCount(), j.fingerprint(), now, tenant.value(), j.name());
      } else {
        Jdbc.update(c, "INSERT INTO judgment_sets (" + JUDGMENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tenant.value(), j.name(), j.format(), j.queries(), j.qrels(), j.queryCount(), j.judgmentCount(),
            j.fingerprint(), now, now);
      }
      return new JudgmentSet(tenant, j.name(), j.format(), j.queries(), j.qrels(), j.queryCount(), j.judgmentCount(),
          j.fingerprint(), created.orElse(now), now);
    });
  }

  @Override
  public Optional<JudgmentSet> findJudgments(TenantId tenant, String name) {
    return db.read("reading judgments '" + name + "'", c -> Jdbc.one(c,
        "SELECT " + JUDGMENT_COLUMNS + " FROM judgment_sets WHERE tenant_id = ? AND name = ?",
        JdbcEvaluationStore::judgments, tenant.value(), name));
  }

  @Override
  public List<JudgmentSet> listJudgments(TenantId tenant, int limit) {
    return db.read("listing the judgments of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT " + JUDGMENT_COLUMNS + " FROM judgment_sets WHERE tenant_id = ? ORDER BY name LIMIT ?",
        JdbcEvaluationStore::judgments, tenant.value(), limit));
  }

  @Override
  public boolean deleteJudgments(TenantId tenant, String name) {
    return db.write("deleting judgments '" + name + "'", c ->
        Jdbc.update(c, "DELETE FROM judgment_sets WHERE tenant_id = ? AND name = ?", tenant.value(), name) > 0);
  }

  @Override
  public Evaluation create(TenantId tenant, String collection, String judgments, String judgmentsFingerprint,
      String request) {
    Instant now = options.now();
    String id = options.newId();
    return db.write("recording an evaluation in tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Jdbc.update(c, "INSERT INTO evaluations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, NULL)",
          tenant.value(), id, collection, judgments, judgmentsFingerprint, request, EvaluationState.QUEUED.name(), now, now);
      return new Evaluation(id, tenant, collection, judgments, judgmentsFingerprint, request, EvaluationState.QUEUED,
          Optional.empty(), Optional.empty(), now, now, Optional.empty());
    });
  }

  @Override
  public Optional<Evaluation> find(TenantId tenant, String id) {
    return db.read("reading evaluation '" + id + "'", c -> Jdbc.one(c,
        "SELECT " + COLUMNS + " FROM evaluations WHERE tenant_id = ? AND id = ?", JdbcEvaluationStore::evaluation,
        tenant.value(), id));
  }

  @Override
  public Page<Evaluation> list(TenantId tenant, PageRequest page) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM evaluations WHERE tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenant.value()));
    NewestFirst.appendPage(sql, params, page);
    return db.read("listing the evaluations of tenant '" + tenant + "'", c -> {
      List<Evaluation> rows = Jdbc.list(c, sql.toString(), JdbcEvaluationStore::evaluation, params.toArray());
      return NewestFirst.page(rows, page, Evaluation::createdAt, Evaluation::id);
    });
  }

  @Override
  public boolean start(TenantId tenant, String id) {
    Instant now = options.now();
    return db.write("starting evaluation '" + id + "'", c -> Jdbc.update(c,
        "UPDATE evaluations SET state = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND state IN (?, ?)",
        EvaluationState.RUNNING.name(), now, tenant.value(), id, EvaluationState.QUEUED.name(),
        EvaluationState.RUNNING.name()) > 0);
  }

  @Override
  public void succeed(TenantId tenant, String id, String result) {
    finish(tenant, id, EvaluationState.SUCCEEDED, result, null);
  }

  @Override
  public void fail(TenantId tenant, String id, String error) {
    finish(tenant, id, EvaluationState.FAILED, null, error);
  }

  private void finish(TenantId tenant, String id, EvaluationState state, String result, String error) {
    Instant now = options.now();
    db.write("finishing evaluation '" + id + "'", c -> Jdbc.update(c,
        "UPDATE evaluations SET state = ?, result = ?, error = ?, updated_at = ?, finished_at = ? "
            + "WHERE tenant_id = ? AND id = ?", state.name(), result, error, now, now, tenant.value(), id));
  }

  @Override
  public List<Evaluation> unfinished() {
    return db.read("reading unfinished evaluations", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM evaluations WHERE state IN (?, ?) ORDER BY created_at, id",
        JdbcEvaluationStore::evaluation, EvaluationState.QUEUED.name(), EvaluationState.RUNNING.name()));
  }

  private static JudgmentSet judgments(ResultSet rs) throws SQLException {
    return new JudgmentSet(new TenantId(rs.getString("tenant_id")), rs.getString("name"), rs.getString("format"),
        rs.getString("queries"), rs.getString("qrels"), rs.getInt("query_count"), rs.getInt("judgment_count"),
        rs.getString("fingerprint"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
  }

  private static Evaluation evaluation(ResultSet rs) throws SQLException {
    return new Evaluation(rs.getString("id"), new TenantId(rs.getString("tenant_id")), rs.getString("collection"),
        rs.getString("judgments"), rs.getString("judgments_fingerprint"), rs.getString("request"),
        EvaluationState.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)), Jdbc.optionalText(rs, "result"),
        Jdbc.optionalText(rs, "error"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"),
        Jdbc.optionalInstant(rs, "finished_at"));
  }
}

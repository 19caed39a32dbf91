package dev.quarry.store.jdbc;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.job.JobFailure;
import dev.quarry.store.job.JobStore;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcJobStore implements JobStore {

  private static final String COLUMNS = "tenant_id, id, collection, submitted, created_at, finished_at";

  private final Database db;
  private final StoreOptions options;

  JdbcJobStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  /** The job's own row, before its counts are read. */
  private record JobRow(String id, CollectionKey collection, long submitted, Instant createdAt,
      Optional<Instant> finishedAt) {}

  @Override
  public IngestionJob create(CollectionKey collection) {
    Instant now = options.now();
    String id = options.newId();
    return db.write("creating a job on collection '" + collection.name() + "'", c -> {
      Parents.requireCollection(c, collection);
      Jdbc.update(c, "INSERT INTO ingestion_jobs (" + COLUMNS + ") VALUES (?, ?, ?, 0, ?, NULL)",
          collection.tenant().value(), id, collection.name(), now);
      return withCounts(c, new JobRow(id, collection, 0, now, Optional.empty()));
    });
  }

  @Override
  public Optional<IngestionJob> find(TenantId tenant, String jobId) {
    return db.read("reading job '" + jobId + "'", c -> {
      Optional<JobRow> row = select(c, tenant, jobId);
      return row.isEmpty() ? Optional.<IngestionJob>empty() : Optional.of(withCounts(c, row.get()));
    });
  }

  @Override
  public Page<IngestionJob> list(TenantId tenant, PageRequest page) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM ingestion_jobs WHERE tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenant.value()));
    page.after().ifPresent(cursor -> {
      int colon = cursor.indexOf(':');
      long createdAt;
      try {
        createdAt = Long.parseLong(cursor.substring(0, Math.max(0, colon)));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("invalid page cursor '" + cursor + "'", e);
      }
      sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
      params.add(createdAt);
      params.add(createdAt);
      params.add(cursor.substring(colon + 1));
    });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    params.add(page.limit() + 1);
    return db.read("listing jobs of tenant '" + tenant + "'", c -> {
      List<JobRow> rows = Jdbc.list(c, sql.toString(), JdbcJobStore::row, params.toArray());
      List<IngestionJob> jobs = new ArrayList<>();
      for (JobRow row : rows.subList(0, Math.min(rows.size(), page.limit()))) {
        jobs.add(withCounts(c, row));
      }
      Optional<String> next = rows.size() > page.limit()
          ? Optional.of(jobs.getLast().createdAt().toEpochMilli() + ":" + jobs.getLast().id())
          : Optional.empty();
      return new Page<>(jobs, next);
    });
  }

  @Override
  public IngestionJob finish(TenantId tenant, String jobId) {
    Instant now = options.now();
    return db.write("finishing job '" + jobId + "'", c -> {
      int n = Jdbc.update(c,
          "UPDATE ingestion_jobs SET finished_at = COALESCE(finished_at, ?) WHERE tenant_id = ? AND id = ?",
          now, tenant.value(), jobId);
      if (n == 0) {
        throw new NotFoundException("job '" + jobId + "' does not exist in tenant '" + tenant + "'");
      }
      return withCounts(c, select(c, tenant, jobId).orElseThrow());
    });
  }

  private static Optional<JobRow> select(Connection c, TenantId tenant, String jobId) throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM ingestion_jobs WHERE tenant_id = ? AND id = ?",
        JdbcJobStore::row, tenant.value(), jobId);
  }

  private static JobRow row(ResultSet rs) throws SQLException {
    return new JobRow(
        rs.getString("id"),
        new CollectionKey(new TenantId(rs.getString("tenant_id")), rs.getString("collection")),
        rs.getLong("submitted"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "finished_at"));
  }

  private static IngestionJob withCounts(Connection c, JobRow job) throws SQLException {
    String tenant = job.collection().tenant().value();
    StateCounts counts = JdbcDocumentStateStore.counts(c,
        "SELECT state, COUNT(*) AS n FROM document_states WHERE tenant_id = ? AND job_id = ? GROUP BY state",
        tenant, job.id());
    List<JobFailure> failures = Jdbc.list(c,
        "SELECT doc_id, failure_reason, attempts, updated_at FROM document_states"
            + " WHERE tenant_id = ? AND job_id = ? AND state = 'failed' ORDER BY doc_id LIMIT ?",
        rs -> new JobFailure(rs.getString("doc_id"), Jdbc.optionalText(rs, "failure_reason").orElse(""),
            rs.getInt("attempts"), Jdbc.instant(rs, "updated_at")),
        tenant, job.id(), MAX_FAILURES_LISTED);
    return new IngestionJob(job.id(), job.collection(), job.createdAt(), job.finishedAt(), job.submitted(),
        counts, failures);
  }
}

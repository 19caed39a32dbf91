package dev.quarry.store.jdbc;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.job.JobFailure;
import dev.quarry.store.job.JobStore;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcJobStore implements JobStore {

  private static final String COLUMNS = "tenant_id, id, collection, submitted, created_at, finished_at";
  private static final String READ_COLUMNS = COLUMNS + ", collection_deleted_at, final_counts";

  private final Database db;
  private final StoreOptions options;

  JdbcJobStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  /** The job's own row, before its counts are read (they are in it once its collection is deleted). */
  private record JobRow(String id, CollectionKey collection, long submitted, Instant createdAt,
      Optional<Instant> finishedAt, Optional<Instant> collectionDeletedAt, Optional<String> finalCounts) {}

  @Override
  public IngestionJob create(CollectionKey collection) {
    Instant now = options.now();
    String id = options.newId();
    return db.write("creating a job on collection '" + collection.name() + "'", c -> {
      Parents.requireCollection(c, collection);
      Jdbc.update(c, "INSERT INTO ingestion_jobs (" + COLUMNS + ") VALUES (?, ?, ?, 0, ?, NULL)",
          collection.tenant().value(), id, collection.name(), now);
      return withCounts(c, new JobRow(id, collection, 0, now, Optional.empty(), Optional.empty(), Optional.empty()));
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
    StringBuilder sql = new StringBuilder("SELECT " + READ_COLUMNS + " FROM ingestion_jobs WHERE tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenant.value()));
    NewestFirst.appendPage(sql, params, page);
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

  @Override
  public int deleteFinishedOlderThan(Duration retention, int limit) {
    if (retention.isNegative()) {
      throw new InvalidInputException("job retention must be >= 0, got: " + retention);
    }
    if (limit < 1 || limit > 10_000) {
      throw new InvalidInputException("limit must be in 1..10000, got: " + limit);
    }
    Instant cutoff = options.now().minus(retention);
    return db.write("deleting jobs finished before " + cutoff, c -> {
      // A job stamped finished whose failed document was retried since is running again: kept.
      List<String[]> old = Jdbc.list(c, "SELECT tenant_id, id FROM ingestion_jobs j"
              + " WHERE finished_at IS NOT NULL AND finished_at < ? AND NOT EXISTS (SELECT 1 FROM document_states d"
              + " WHERE d.tenant_id = j.tenant_id AND d.job_id = j.id AND d.state NOT IN ('indexed', 'failed'))"
              + " ORDER BY finished_at, tenant_id, id LIMIT ?",
          rs -> new String[] {rs.getString("tenant_id"), rs.getString("id")}, cutoff, limit);
      for (String[] job : old) {
        Jdbc.update(c, "UPDATE document_states SET job_id = NULL WHERE tenant_id = ? AND job_id = ?", job[0], job[1]);
        Jdbc.update(c, "DELETE FROM ingestion_jobs WHERE tenant_id = ? AND id = ?", job[0], job[1]);
      }
      return old.size();
    });
  }

  /**
   * Within the transaction that deletes {@code collection}: stamps its jobs finished and {@code
   * collection_deleted_at}, keeping their counts by state as they are now, before the documents go.
   */
  static void markCollectionDeleted(Connection c, CollectionKey collection, Instant now) throws SQLException {
    List<String> jobs = Jdbc.list(c, "SELECT id FROM ingestion_jobs"
            + " WHERE tenant_id = ? AND collection = ? AND collection_deleted_at IS NULL",
        rs -> rs.getString("id"), collection.tenant().value(), collection.name());
    for (String job : jobs) {
      StateCounts counts = JdbcDocumentStateStore.counts(c,
          "SELECT state, COUNT(*) AS n FROM document_states WHERE tenant_id = ? AND job_id = ? GROUP BY state",
          collection.tenant().value(), job);
      Jdbc.update(c, "UPDATE ingestion_jobs SET collection_deleted_at = ?, finished_at = COALESCE(finished_at, ?),"
              + " final_counts = ? WHERE tenant_id = ? AND id = ?",
          now, now, encode(counts), collection.tenant().value(), job);
    }
  }

  /** Counts as {@code state=n} pairs separated by {@code ','}, states in declaration order. */
  static String encode(StateCounts counts) {
    StringBuilder out = new StringBuilder();
    for (DocumentState s : DocumentState.values()) {
      out.append(out.isEmpty() ? "" : ",").append(s.wireName()).append('=').append(counts.get(s));
    }
    return out.toString();
  }

  static StateCounts decode(String encoded) {
    Map<DocumentState, Long> counts = new EnumMap<>(DocumentState.class);
    for (String pair : encoded.split(",")) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalStateException("stored job counts are malformed: '" + encoded + "'");
      }
      counts.put(DocumentState.fromWire(pair.substring(0, eq)), Long.parseLong(pair.substring(eq + 1)));
    }
    return new StateCounts(counts);
  }

  private static Optional<JobRow> select(Connection c, TenantId tenant, String jobId) throws SQLException {
    return Jdbc.one(c, "SELECT " + READ_COLUMNS + " FROM ingestion_jobs WHERE tenant_id = ? AND id = ?",
        JdbcJobStore::row, tenant.value(), jobId);
  }

  private static JobRow row(ResultSet rs) throws SQLException {
    return new JobRow(
        rs.getString("id"),
        new CollectionKey(new TenantId(rs.getString("tenant_id")), rs.getString("collection")),
        rs.getLong("submitted"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "finished_at"),
        Jdbc.optionalInstant(rs, "collection_deleted_at"),
        Jdbc.optionalText(rs, "final_counts"));
  }

  private static IngestionJob withCounts(Connection c, JobRow job) throws SQLException {
    if (job.collectionDeletedAt().isPresent()) {
      return new IngestionJob(job.id(), job.collection(), job.createdAt(), job.finishedAt(), job.submitted(),
          decode(job.finalCounts().orElse("")), List.of(), job.collectionDeletedAt());
    }
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
        counts, failures, Optional.empty());
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.DocumentContent;
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.document.DocumentRecord;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.DocumentStateStore;
import dev.quarry.store.document.DocumentSubmission;
import dev.quarry.store.document.QueueCounts;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.document.SubmitOutcome;
import dev.quarry.store.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

final class JdbcDocumentStateStore implements DocumentStateStore {

  static final String COLUMNS = "tenant_id, collection, doc_id, version, revision, content_hash, state, failure_reason,"
      + " attempts, next_attempt_at, expires_at, job_id, created_at, updated_at";
  private static final String BY_KEY = " WHERE tenant_id = ? AND collection = ? AND doc_id = ?";
  private static final int MAX_CLAIM = 1000;
  /** A document a worker may claim now (parameters: now, now): due, not leased, not expired. */
  private static final String DUE =
      "next_attempt_at IS NOT NULL AND next_attempt_at <= ? AND (expires_at IS NULL OR expires_at > ?)";

  private final Database db;
  private final StoreOptions options;

  JdbcDocumentStateStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public SubmitOutcome submit(DocumentSubmission s) {
    Instant now = options.now();
    return db.write("submitting document '" + s.key().id() + "'", c -> submit(c, s, now));
  }

  @Override
  public List<SubmitOutcome> submitAll(List<DocumentSubmission> submissions) {
    java.util.Set<DocumentKey> seen = new java.util.HashSet<>();
    for (DocumentSubmission s : submissions) {
      if (!seen.add(s.key())) {
        throw new InvalidInputException("document '" + s.key().id() + "' is submitted twice in one batch");
      }
    }
    if (submissions.isEmpty()) {
      return List.of();
    }
    Instant now = options.now();
    return db.write("submitting " + submissions.size() + " documents", c -> {
      List<SubmitOutcome> out = new ArrayList<>(submissions.size());
      java.util.Set<CollectionKey> checked = new java.util.HashSet<>();
      for (DocumentSubmission s : submissions) {
        out.add(submit(c, s, now, checked));
      }
      return out;
    });
  }

  private SubmitOutcome submit(Connection c, DocumentSubmission s, Instant now) throws SQLException {
    return submit(c, s, now, new java.util.HashSet<>());
  }

  private SubmitOutcome submit(Connection c, DocumentSubmission s, Instant now, java.util.Set<CollectionKey> checked)
      throws SQLException {
    DocumentKey key = s.key();
    if (checked.add(key.collection())) {
      Parents.requireCollection(c, key.collection());
    }
    if (s.jobId().isPresent()) {
      requireJobOn(c, key.collection(), s.jobId().get());
    }
    Optional<DocumentRecord> current = select(c, key, db.dialect().forUpdate());
    if (current.isEmpty()) {
      checkVersion(key, 0, s.ifVersion());
      boolean inserted = Jdbc.update(c, "INSERT INTO document_states (" + COLUMNS + ")"
              + " VALUES (?, ?, ?, 1, 1, ?, 'received', NULL, 0, ?, ?, ?, ?, ?)"
              + " ON CONFLICT (tenant_id, collection, doc_id) DO NOTHING",
          key.tenant().value(), key.collection().name(), key.id(), s.contentHash(), now,
          s.expiresAt(), s.jobId(), now, now) == 1;
      if (!inserted) {
        // Created by a concurrent transaction after our read: decide again against it.
        current = select(c, key, db.dialect().forUpdate());
      }
    }
    boolean changed;
    boolean created = current.isEmpty();
    if (created) {
      changed = true;
    } else {
      DocumentRecord doc = current.get();
      checkVersion(key, doc.version(), s.ifVersion());
      boolean newContent = !doc.contentHash().equals(s.contentHash());
      // The client's version moves only with what the client changed: content or expiry.
      int clientChange = newContent || !doc.expiresAt().equals(s.expiresAt()) ? 1 : 0;
      changed = newContent || doc.state() == DocumentState.FAILED;
      if (!changed) {
        Jdbc.update(c, "UPDATE document_states SET job_id = ?, expires_at = ?, version = version + ?,"
                + " updated_at = CASE WHEN ? = 1 THEN ? ELSE updated_at END" + BY_KEY,
            s.jobId().or(doc::jobId), s.expiresAt(), clientChange, clientChange, now,
            key.tenant().value(), key.collection().name(), key.id());
      } else {
        Jdbc.update(c, "UPDATE document_states SET version = version + ?, revision = revision + 1, content_hash = ?,"
                + " state = 'received', failure_reason = NULL, attempts = 0, next_attempt_at = ?,"
                + " expires_at = ?, job_id = ?, updated_at = ?" + BY_KEY,
            clientChange, s.contentHash(), now, s.expiresAt(), s.jobId(), now,
            key.tenant().value(), key.collection().name(), key.id());
      }
    }
    if (changed) {
      if (s.claimFor().isPresent()) {
        Jdbc.update(c, "UPDATE document_states SET attempts = 1, next_attempt_at = ?" + BY_KEY,
            now.plus(s.claimFor().get()), key.tenant().value(), key.collection().name(), key.id());
      }
      if (s.content().isPresent()) {
        DocumentContent content = s.content().get();
        Jdbc.update(c, "INSERT INTO document_contents (tenant_id, collection, doc_id, media_type, file_name, body)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, collection, doc_id) DO UPDATE SET"
                + " media_type = excluded.media_type, file_name = excluded.file_name, body = excluded.body",
            key.tenant().value(), key.collection().name(), key.id(), content.mediaType(), content.fileName(),
            content.body());
      } else {
        Jdbc.update(c, "DELETE FROM document_contents" + BY_KEY,
            key.tenant().value(), key.collection().name(), key.id());
      }
    }
    if (s.jobId().isPresent()) {
      Jdbc.update(c, "UPDATE ingestion_jobs SET submitted = submitted + 1 WHERE tenant_id = ? AND id = ?",
          key.tenant().value(), s.jobId().get());
    }
    return new SubmitOutcome(require(c, key), changed, created);
  }

  @Override
  public Optional<DocumentContent> content(DocumentKey key) {
    return db.read("reading the content of document '" + key.id() + "'", c -> Jdbc.one(c,
        "SELECT media_type, file_name, body FROM document_contents" + BY_KEY,
        rs -> new DocumentContent(rs.getString("media_type"), Jdbc.optionalText(rs, "file_name"),
            rs.getBytes("body")),
        key.tenant().value(), key.collection().name(), key.id()));
  }

  @Override
  public Optional<DocumentRecord> find(DocumentKey key) {
    return db.read("reading document '" + key.id() + "'", c -> select(c, key, ""));
  }

  @Override
  public Page<DocumentRecord> list(CollectionKey collection, Optional<DocumentState> state, PageRequest page) {
    StringBuilder sql = new StringBuilder(
        "SELECT " + COLUMNS + " FROM document_states WHERE tenant_id = ? AND collection = ?");
    List<Object> params = new ArrayList<>(List.of(collection.tenant().value(), collection.name()));
    state.ifPresent(st -> {
      sql.append(" AND state = ?");
      params.add(st.wireName());
    });
    page.after().ifPresent(cursor -> {
      sql.append(" AND doc_id > ?");
      params.add(decodeCursor(cursor));
    });
    sql.append(" ORDER BY doc_id LIMIT ?");
    params.add(page.limit() + 1);
    List<DocumentRecord> rows = db.read("listing documents of collection '" + collection.name() + "'",
        c -> Jdbc.list(c, sql.toString(), JdbcDocumentStateStore::row, params.toArray()));
    if (rows.size() <= page.limit()) {
      return new Page<>(rows, Optional.empty());
    }
    List<DocumentRecord> items = rows.subList(0, page.limit());
    return new Page<>(items, Optional.of(encodeCursor(items.getLast().key().id())));
  }

  @Override
  public StateCounts counts(CollectionKey collection) {
    return db.read("counting documents of collection '" + collection.name() + "'", c -> counts(c,
        "SELECT state, COUNT(*) AS n FROM document_states WHERE tenant_id = ? AND collection = ? GROUP BY state",
        collection.tenant().value(), collection.name()));
  }

  @Override
  public long contentBytes(CollectionKey collection) {
    return db.read("measuring the content of collection '" + collection.name() + "'", c -> Jdbc.one(c,
        "SELECT COALESCE(SUM(length(body)), 0) AS n FROM document_contents WHERE tenant_id = ? AND collection = ?",
        rs -> rs.getLong("n"), collection.tenant().value(), collection.name()).orElse(0L));
  }

  @Override
  public QueueCounts queue() {
    Instant now = options.now();
    // One statement, so states and due come from one snapshot on PostgreSQL too (read committed).
    // Due is the condition of claimDue: what a worker would take now.
    String sql = "SELECT state, COUNT(*) AS n, SUM(CASE WHEN " + DUE + " THEN 1 ELSE 0 END) AS due"
        + " FROM document_states GROUP BY state";
    return db.read("counting the ingestion queue", c -> {
      Map<DocumentState, Long> counts = new EnumMap<>(DocumentState.class);
      long[] due = {0};
      Jdbc.list(c, sql, rs -> {
        counts.put(DocumentState.fromWire(rs.getString("state")), rs.getLong("n"));
        due[0] += rs.getLong("due");
        return null;
      }, now, now);
      return new QueueCounts(new StateCounts(counts), due[0]);
    });
  }

  static StateCounts counts(Connection c, String sql, Object... params) throws SQLException {
    Map<DocumentState, Long> counts = new EnumMap<>(DocumentState.class);
    Jdbc.list(c, sql, rs -> counts.put(DocumentState.fromWire(rs.getString("state")), rs.getLong("n")), params);
    return new StateCounts(counts);
  }

  @Override
  public DocumentRecord advance(DocumentKey key, long expectedRevision, DocumentState next) {
    Instant now = options.now();
    return db.write("moving document '" + key.id() + "' to " + next.wireName(), c -> {
      DocumentRecord doc = requireRevision(c, key, expectedRevision);
      if (next == DocumentState.FAILED || doc.state().terminal() || next.ordinal() <= doc.state().ordinal()) {
        throw new ConflictException("cannot move document '" + key.id() + "' from "
            + doc.state().wireName() + " to " + next.wireName()
            + (next == DocumentState.FAILED ? ": record failures with fail()" : ""));
      }
      Optional<Instant> due = next.terminal() ? Optional.empty() : doc.nextAttemptAt();
      Jdbc.update(c, "UPDATE document_states SET state = ?, revision = revision + 1, failure_reason = NULL,"
              + " next_attempt_at = ?, updated_at = ?" + BY_KEY,
          next.wireName(), due, now, key.tenant().value(), key.collection().name(), key.id());
      return require(c, key);
    });
  }

  @Override
  public Map<DocumentKey, DocumentRecord> advanceAll(Map<DocumentKey, Long> expectedRevisions, DocumentState next) {
    if (next == DocumentState.FAILED) {
      throw new ConflictException("cannot move documents to failed: record failures with fail()");
    }
    if (expectedRevisions.isEmpty()) {
      return Map.of();
    }
    Instant now = options.now();
    return db.write("moving " + expectedRevisions.size() + " documents to " + next.wireName(), c -> {
      Map<DocumentKey, DocumentRecord> out = new java.util.LinkedHashMap<>();
      for (Map.Entry<DocumentKey, Long> e : expectedRevisions.entrySet()) {
        DocumentKey key = e.getKey();
        Optional<DocumentRecord> doc = select(c, key, db.dialect().forUpdate());
        if (doc.isEmpty() || doc.get().revision() != e.getValue() || doc.get().state().terminal()
            || next.ordinal() <= doc.get().state().ordinal()) {
          continue;
        }
        Optional<Instant> due = next.terminal() ? Optional.empty() : doc.get().nextAttemptAt();
        Jdbc.update(c, "UPDATE document_states SET state = ?, revision = revision + 1, failure_reason = NULL,"
                + " next_attempt_at = ?, updated_at = ?" + BY_KEY,
            next.wireName(), due, now, key.tenant().value(), key.collection().name(), key.id());
        out.put(key, require(c, key));
      }
      return out;
    });
  }

  @Override
  public DocumentRecord fail(DocumentKey key, long expectedRevision, String reason, Optional<Duration> retryAfter) {
    String why = reason(reason);
    if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
      throw new InvalidInputException("retry delay must be >= 0, got: " + retryAfter.get());
    }
    Instant now = options.now();
    return db.write("recording a failure of document '" + key.id() + "'", c -> {
      DocumentRecord doc = requireRevision(c, key, expectedRevision);
      if (doc.state().terminal()) {
        throw new ConflictException("document '" + key.id() + "' is already " + doc.state().wireName()
            + "; a failure can only be recorded while it is in progress");
      }
      if (retryAfter.isPresent()) {
        Jdbc.update(c, "UPDATE document_states SET revision = revision + 1, failure_reason = ?,"
                + " next_attempt_at = ?, updated_at = ?" + BY_KEY,
            why, now.plus(retryAfter.get()), now, key.tenant().value(), key.collection().name(), key.id());
      } else {
        Jdbc.update(c, "UPDATE document_states SET revision = revision + 1, state = 'failed', failure_reason = ?,"
                + " next_attempt_at = NULL, updated_at = ?" + BY_KEY,
            why, now, key.tenant().value(), key.collection().name(), key.id());
      }
      return require(c, key);
    });
  }

  private static String reason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new InvalidInputException("a failure needs a reason");
    }
    String clean = reason.replace('\0', ' ');
    return clean.length() <= MAX_REASON_LENGTH ? clean : clean.substring(0, MAX_REASON_LENGTH - 1) + "…";
  }

  @Override
  public DocumentRecord retry(DocumentKey key) {
    Instant now = options.now();
    return db.write("retrying document '" + key.id() + "'", c -> {
      DocumentRecord doc = select(c, key, db.dialect().forUpdate()).orElseThrow(() -> notFound(key));
      if (doc.state() != DocumentState.FAILED) {
        throw new ConflictException("document '" + key.id() + "' is " + doc.state().wireName()
            + ", not failed: only failed documents can be retried");
      }
      Jdbc.update(c, "UPDATE document_states SET " + RESET + BY_KEY,
          now, now, key.tenant().value(), key.collection().name(), key.id());
      return require(c, key);
    });
  }

  private static final String RESET = "revision = revision + 1, state = 'received', failure_reason = NULL,"
      + " attempts = 0, next_attempt_at = ?, updated_at = ?";

  @Override
  public int retryFailed(CollectionKey collection) {
    Instant now = options.now();
    return db.write("retrying failed documents of collection '" + collection.name() + "'", c -> Jdbc.update(c,
        "UPDATE document_states SET " + RESET + " WHERE tenant_id = ? AND collection = ? AND state = 'failed'",
        now, now, collection.tenant().value(), collection.name()));
  }

  @Override
  public boolean delete(DocumentKey key, OptionalLong ifVersion) {
    return db.write("deleting document '" + key.id() + "'", c -> {
      Optional<DocumentRecord> doc = select(c, key, db.dialect().forUpdate());
      checkVersion(key, doc.map(DocumentRecord::version).orElse(0L), ifVersion);
      return doc.isPresent()
          && Jdbc.update(c, "DELETE FROM document_states" + BY_KEY,
              key.tenant().value(), key.collection().name(), key.id()) > 0;
    });
  }

  @Override
  public Optional<TenantId> nextTenantDue(Optional<TenantId> after) {
    Instant now = options.now();
    String sql = "SELECT tenant_id FROM document_states WHERE " + DUE + " AND tenant_id > ? ORDER BY tenant_id LIMIT 1";
    return db.read("finding the next tenant with due documents", c -> {
      Optional<String> next = Jdbc.one(c, sql, rs -> rs.getString("tenant_id"), now, now,
          after.map(TenantId::value).orElse(""));
      if (next.isEmpty() && after.isPresent()) {
        next = Jdbc.one(c, sql, rs -> rs.getString("tenant_id"), now, now, "");
      }
      return next.map(TenantId::new);
    });
  }

  @Override
  public Optional<String> nextCollectionDue(TenantId tenant, Optional<String> after) {
    Instant now = options.now();
    String sql = "SELECT collection FROM document_states WHERE tenant_id = ? AND " + DUE
        + " AND collection > ? ORDER BY collection LIMIT 1";
    return db.read("finding the next collection of tenant '" + tenant + "' with due documents", c -> {
      Optional<String> next = Jdbc.one(c, sql, rs -> rs.getString("collection"), tenant.value(), now, now,
          after.orElse(""));
      if (next.isEmpty() && after.isPresent()) {
        next = Jdbc.one(c, sql, rs -> rs.getString("collection"), tenant.value(), now, now, "");
      }
      return next;
    });
  }

  @Override
  public List<DocumentRecord> claimDue(CollectionKey collection, int limit, Duration lease) {
    if (limit < 1 || limit > MAX_CLAIM) {
      throw new InvalidInputException("claim limit must be in 1.." + MAX_CLAIM + ", got: " + limit);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new InvalidInputException("claim lease must be positive, got: " + lease);
    }
    Instant now = options.now();
    String sql = "UPDATE document_states SET attempts = attempts + 1, revision = revision + 1,"
        + " next_attempt_at = ?, updated_at = ?"
        + " WHERE (tenant_id, collection, doc_id) IN ("
        + "SELECT tenant_id, collection, doc_id FROM document_states"
        + " WHERE tenant_id = ? AND collection = ? AND " + DUE
        + " ORDER BY next_attempt_at, doc_id LIMIT ?"
        + db.dialect().forUpdateSkipLocked() + ")"
        + " RETURNING " + COLUMNS;
    List<DocumentRecord> claimed = new ArrayList<>(db.write(
        "claiming due documents of collection '" + collection.name() + "'",
        c -> Jdbc.list(c, sql, JdbcDocumentStateStore::row, now.plus(lease), now,
            collection.tenant().value(), collection.name(), now, now, limit)));
    claimed.sort(Comparator.comparing(d -> d.key().id()));
    return claimed;
  }

  @Override
  public int releaseClaims() {
    Instant now = options.now();
    return db.write("releasing claims", c -> Jdbc.update(c,
        "UPDATE document_states SET next_attempt_at = ? WHERE next_attempt_at IS NOT NULL AND next_attempt_at > ?",
        now, now));
  }

  @Override
  public List<DocumentRecord> expired(int limit) {
    if (limit < 1 || limit > MAX_CLAIM) {
      throw new InvalidInputException("limit must be in 1.." + MAX_CLAIM + ", got: " + limit);
    }
    Instant now = options.now();
    return db.read("listing expired documents", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM document_states WHERE expires_at IS NOT NULL AND expires_at <= ?"
            + " ORDER BY expires_at, tenant_id, collection, doc_id LIMIT ?",
        JdbcDocumentStateStore::row, now, limit));
  }

  private static void requireJobOn(Connection c, CollectionKey collection, String jobId) throws SQLException {
    Optional<String> jobCollection = Jdbc.one(c,
        "SELECT collection FROM ingestion_jobs WHERE tenant_id = ? AND id = ?",
        rs -> rs.getString("collection"), collection.tenant().value(), jobId);
    if (jobCollection.isEmpty()) {
      throw new NotFoundException("job '" + jobId + "' does not exist in tenant '" + collection.tenant() + "'");
    }
    if (!jobCollection.get().equals(collection.name())) {
      throw new InvalidInputException("job '" + jobId + "' ingests into collection '" + jobCollection.get()
          + "', not '" + collection.name() + "'");
    }
  }

  private static void checkVersion(DocumentKey key, long current, OptionalLong expected) {
    if (expected.isPresent() && expected.getAsLong() != current) {
      throw new ConflictException("document '" + key.id() + "' is at version " + current
          + (current == 0 ? " (it does not exist)" : "") + ", not the expected " + expected.getAsLong());
    }
  }

  private DocumentRecord requireRevision(Connection c, DocumentKey key, long expected) throws SQLException {
    DocumentRecord doc = select(c, key, db.dialect().forUpdate()).orElseThrow(() -> notFound(key));
    if (doc.revision() != expected) {
      throw new ConflictException("document '" + key.id() + "' is at revision " + doc.revision()
          + ", not the expected " + expected + ": it changed since it was read");
    }
    return doc;
  }

  private static NotFoundException notFound(DocumentKey key) {
    return new NotFoundException("document '" + key.id() + "' does not exist in collection '"
        + key.collection().name() + "' of tenant '" + key.tenant() + "'");
  }

  private static Optional<DocumentRecord> select(Connection c, DocumentKey key, String lock) throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM document_states" + BY_KEY + lock,
        JdbcDocumentStateStore::row, key.tenant().value(), key.collection().name(), key.id());
  }

  private static DocumentRecord require(Connection c, DocumentKey key) throws SQLException {
    return select(c, key, "").orElseThrow(() -> new IllegalStateException("document " + key + " vanished"));
  }

  static DocumentRecord row(ResultSet rs) throws SQLException {
    CollectionKey collection = new CollectionKey(new TenantId(rs.getString("tenant_id")), rs.getString("collection"));
    return new DocumentRecord(
        new DocumentKey(collection, rs.getString("doc_id")),
        rs.getLong("version"),
        rs.getLong("revision"),
        rs.getString("content_hash"),
        DocumentState.fromWire(rs.getString("state")),
        Jdbc.optionalText(rs, "failure_reason"),
        rs.getInt("attempts"),
        Jdbc.optionalInstant(rs, "next_attempt_at"),
        Jdbc.optionalInstant(rs, "expires_at"),
        Jdbc.optionalText(rs, "job_id"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"));
  }

  private static String encodeCursor(String docId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(docId.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid page cursor '" + cursor + "'", e);
    }
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.erasure.ErasureReceipt;
import dev.quarry.store.erasure.ErasureStatus;
import dev.quarry.store.erasure.ErasureStore;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcErasureStore implements ErasureStore {

  private static final String COLUMNS = "tenant_id, id, meta_key, meta_value, status, documents_deleted,"
      + " requested_at, deleted_at, purged_at, sessions_deleted, memories_deleted";
  private static final int MAX_UNFINISHED = 1000;

  private final Database db;
  private final StoreOptions options;

  JdbcErasureStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public ErasureReceipt request(TenantId tenant, String key, String value) {
    requireField("metadata key", key);
    requireField("metadata value", value);
    Instant now = options.now();
    String id = options.newId();
    return db.write("requesting an erasure in tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Jdbc.update(c, "INSERT INTO erasures (" + COLUMNS + ") VALUES (?, ?, ?, ?, 'requested', 0, ?, NULL, NULL, 0, 0)",
          tenant.value(), id, key, value, now);
      return new ErasureReceipt(id, tenant, key, value, ErasureStatus.REQUESTED, 0, now,
          Optional.empty(), Optional.empty(), 0, 0);
    });
  }

  @Override
  public Optional<ErasureReceipt> find(TenantId tenant, String id) {
    return db.read("reading erasure '" + id + "'", c -> select(c, tenant, id, ""));
  }

  @Override
  public List<ErasureReceipt> list(TenantId tenant) {
    return db.read("listing erasures of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM erasures WHERE tenant_id = ? ORDER BY requested_at DESC, id DESC",
        JdbcErasureStore::row, tenant.value()));
  }

  @Override
  public ErasureReceipt markDeleted(TenantId tenant, String id, long documentsDeleted, long sessionsDeleted,
      long memoriesDeleted) {
    if (documentsDeleted < 0 || sessionsDeleted < 0 || memoriesDeleted < 0) {
      throw new InvalidInputException("deleted counts must be >= 0, got: " + documentsDeleted + ", "
          + sessionsDeleted + ", " + memoriesDeleted);
    }
    Instant now = options.now();
    return transition(tenant, id, ErasureStatus.DELETED, c -> Jdbc.update(c,
        "UPDATE erasures SET status = 'deleted', documents_deleted = ?, sessions_deleted = ?, memories_deleted = ?,"
            + " deleted_at = ? WHERE tenant_id = ? AND id = ?", documentsDeleted, sessionsDeleted, memoriesDeleted, now,
        tenant.value(), id));
  }

  @Override
  public ErasureReceipt markPurged(TenantId tenant, String id) {
    Instant now = options.now();
    return transition(tenant, id, ErasureStatus.PURGED, c -> Jdbc.update(c,
        "UPDATE erasures SET status = 'purged', purged_at = ? WHERE tenant_id = ? AND id = ?",
        now, tenant.value(), id));
  }

  private ErasureReceipt transition(TenantId tenant, String id, ErasureStatus target, SqlWork<Integer> update) {
    return db.write("marking erasure '" + id + "' " + target.wireName(), c -> {
      ErasureReceipt current = select(c, tenant, id, db.dialect().forUpdate()).orElseThrow(
          () -> new NotFoundException("erasure '" + id + "' does not exist in tenant '" + tenant + "'"));
      if (current.status().ordinal() >= target.ordinal()) {
        return current;
      }
      if (target.ordinal() != current.status().ordinal() + 1) {
        throw new ConflictException("erasure '" + id + "' is " + current.status().wireName()
            + "; it must be " + ErasureStatus.values()[target.ordinal() - 1].wireName()
            + " before it can be " + target.wireName());
      }
      update.run(c);
      return select(c, tenant, id, "").orElseThrow();
    });
  }

  @Override
  public List<ErasureReceipt> unfinished(int limit) {
    if (limit < 1 || limit > MAX_UNFINISHED) {
      throw new InvalidInputException("limit must be in 1.." + MAX_UNFINISHED + ", got: " + limit);
    }
    return db.read("listing unfinished erasures", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM erasures WHERE status <> 'purged' ORDER BY requested_at, id LIMIT ?",
        JdbcErasureStore::row, limit));
  }

  private static Optional<ErasureReceipt> select(Connection c, TenantId tenant, String id, String lock)
      throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM erasures WHERE tenant_id = ? AND id = ?" + lock,
        JdbcErasureStore::row, tenant.value(), id);
  }

  private static ErasureReceipt row(ResultSet rs) throws SQLException {
    return new ErasureReceipt(
        rs.getString("id"),
        new TenantId(rs.getString("tenant_id")),
        rs.getString("meta_key"),
        rs.getString("meta_value"),
        ErasureStatus.fromWire(rs.getString("status")),
        rs.getLong("documents_deleted"),
        Jdbc.instant(rs, "requested_at"),
        Jdbc.optionalInstant(rs, "deleted_at"),
        Jdbc.optionalInstant(rs, "purged_at"),
        rs.getLong("sessions_deleted"),
        rs.getLong("memories_deleted"));
  }

  private static void requireField(String what, String text) {
    if (text == null || text.isBlank() || text.length() > MAX_FIELD_LENGTH) {
      throw new InvalidInputException(what + " must be 1-" + MAX_FIELD_LENGTH + " non-blank characters");
    }
    if (text.indexOf('\0') >= 0) {
      throw new InvalidInputException(what + " must not contain NUL characters");
    }
  }
}

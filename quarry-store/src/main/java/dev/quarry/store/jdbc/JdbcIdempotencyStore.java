package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.idempotency.IdempotencyOutcome;
import dev.quarry.store.idempotency.IdempotencyStore;
import dev.quarry.store.idempotency.StoredResponse;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Insert-or-read on the (tenant, key) primary key. On PostgreSQL a concurrent insert of the same
 * key waits for the first transaction and then sees its row; on SQLite the single writer orders
 * them. Either way exactly one caller inserts.
 */
final class JdbcIdempotencyStore implements IdempotencyStore {

  private static final String BY_KEY = " WHERE tenant_id = ? AND idem_key = ?";
  /** Rounds of insert-or-read before giving up; each lost round means another caller changed the row. */
  private static final int MAX_ROUNDS = 5;

  private final Database db;
  private final StoreOptions options;

  JdbcIdempotencyStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  private record Existing(String requestHash, Optional<StoredResponse> response, Instant leaseUntil) {}

  @Override
  public IdempotencyOutcome begin(TenantId tenant, String key, String requestHash) {
    requireKey(key);
    if (requestHash == null || requestHash.isBlank() || requestHash.length() > 256) {
      throw new InvalidInputException("request hash must be 1-256 non-blank characters");
    }
    Instant now = options.now();
    Instant leaseUntil = now.plus(options.idempotency().lease());
    Instant expiresAt = now.plus(options.idempotency().retention());
    return db.write("beginning idempotent request '" + key + "'", c -> {
      Parents.requireTenant(c, tenant);
      for (int round = 0; round < MAX_ROUNDS; round++) {
        Jdbc.update(c, "DELETE FROM idempotency_records" + BY_KEY + " AND expires_at <= ?",
            tenant.value(), key, now);
        int inserted = Jdbc.update(c, "INSERT INTO idempotency_records"
                + " (tenant_id, idem_key, request_hash, created_at, lease_until, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, idem_key) DO NOTHING",
            tenant.value(), key, requestHash, now, leaseUntil, expiresAt);
        if (inserted == 1) {
          return new IdempotencyOutcome.New();
        }
        Optional<Existing> existing = select(c, tenant, key);
        if (existing.isEmpty()) {
          continue; // abandoned or expired between our insert and read
        }
        Existing e = existing.get();
        if (!e.requestHash().equals(requestHash)) {
          return new IdempotencyOutcome.Conflict();
        }
        if (e.response().isPresent()) {
          return new IdempotencyOutcome.Replay(e.response().get());
        }
        if (e.leaseUntil().isAfter(now)) {
          return new IdempotencyOutcome.InProgress(e.leaseUntil());
        }
        int taken = Jdbc.update(c, "UPDATE idempotency_records SET lease_until = ?" + BY_KEY
                + " AND response_status IS NULL AND lease_until <= ?",
            leaseUntil, tenant.value(), key, now);
        if (taken == 1) {
          return new IdempotencyOutcome.New();
        }
      }
      throw new StorageException("idempotency key '" + key + "' kept changing under concurrent requests; retry");
    });
  }

  @Override
  public void complete(TenantId tenant, String key, StoredResponse response) {
    requireKey(key);
    Instant now = options.now();
    db.write("completing idempotent request '" + key + "'", c -> {
      int n = Jdbc.update(c, "UPDATE idempotency_records SET response_status = ?, response_body = ?,"
              + " completed_at = ?" + BY_KEY + " AND response_status IS NULL",
          response.status(), response.body(), now, tenant.value(), key);
      if (n == 0) {
        if (select(c, tenant, key).isEmpty()) {
          throw new NotFoundException("idempotency key '" + key + "' is not in progress in tenant '" + tenant + "'");
        }
        throw new ConflictException("idempotent request '" + key + "' is already complete");
      }
      return null;
    });
  }

  @Override
  public void abandon(TenantId tenant, String key) {
    requireKey(key);
    db.write("abandoning idempotent request '" + key + "'", c -> Jdbc.update(c,
        "DELETE FROM idempotency_records" + BY_KEY + " AND response_status IS NULL", tenant.value(), key));
  }

  @Override
  public int purgeExpired() {
    Instant now = options.now();
    return db.write("purging expired idempotency records",
        c -> Jdbc.update(c, "DELETE FROM idempotency_records WHERE expires_at <= ?", now));
  }

  private Optional<Existing> select(Connection c, TenantId tenant, String key) throws SQLException {
    return Jdbc.one(c, "SELECT request_hash, response_status, response_body, lease_until FROM idempotency_records"
        + BY_KEY + db.dialect().forUpdate(), rs -> {
          int status = rs.getInt("response_status");
          Optional<StoredResponse> response = rs.wasNull()
              ? Optional.empty()
              : Optional.of(new StoredResponse(status, Jdbc.optionalText(rs, "response_body").orElse("")));
          return new Existing(rs.getString("request_hash"), response, Jdbc.instant(rs, "lease_until"));
        }, tenant.value(), key);
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new InvalidInputException("idempotency key must be 1-" + MAX_KEY_LENGTH + " characters, got: "
          + (key == null ? "none" : key.length() + " characters"));
    }
    for (int i = 0; i < key.length(); i++) {
      char ch = key.charAt(i);
      if (ch < 0x20 || ch > 0x7e) {
        throw new InvalidInputException("idempotency key must be printable ASCII; character " + i + " is not");
      }
    }
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.collection.CollectionPut;
import dev.quarry.store.collection.CollectionRecord;
import dev.quarry.store.collection.CollectionStore;
import dev.quarry.store.collection.SettingsJson;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcCollectionStore implements CollectionStore {

  private static final String COLUMNS = "tenant_id, name, settings, created_at, updated_at";

  private final Database db;
  private final StoreOptions options;

  JdbcCollectionStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public CollectionRecord create(CollectionKey key, SettingsJson settings) {
    Instant now = options.now();
    return db.write("creating collection '" + key.name() + "'", c -> {
      Parents.requireTenant(c, key.tenant());
      if (!insert(c, key, settings, now)) {
        throw new ConflictException(
            "collection '" + key.name() + "' already exists in tenant '" + key.tenant() + "'");
      }
      return new CollectionRecord(key, settings, now, now);
    });
  }

  @Override
  public CollectionPut put(CollectionKey key, SettingsJson settings) {
    Instant now = options.now();
    return db.write("putting collection '" + key.name() + "'", c -> {
      Parents.requireTenant(c, key.tenant());
      if (insert(c, key, settings, now)) {
        return new CollectionPut(new CollectionRecord(key, settings, now, now), true);
      }
      CollectionRecord existing = select(c, key, db.dialect().forUpdate()).orElseThrow();
      Jdbc.update(c, "UPDATE collections SET settings = ?, updated_at = ? WHERE tenant_id = ? AND name = ?",
          settings.json(), now, key.tenant().value(), key.name());
      return new CollectionPut(
          new CollectionRecord(key, settings, existing.createdAt(), now), false);
    });
  }

  @Override
  public Optional<CollectionRecord> find(CollectionKey key) {
    return db.read("reading collection '" + key.name() + "'", c -> select(c, key, ""));
  }

  @Override
  public List<CollectionRecord> list(TenantId tenant) {
    return db.read("listing collections of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM collections WHERE tenant_id = ? ORDER BY name",
        JdbcCollectionStore::row, tenant.value()));
  }

  @Override
  public boolean delete(CollectionKey key) {
    Instant now = options.now();
    return db.write("deleting collection '" + key.name() + "'", c -> {
      JdbcJobStore.markCollectionDeleted(c, key, now);
      return Jdbc.update(c, "DELETE FROM collections WHERE tenant_id = ? AND name = ?",
          key.tenant().value(), key.name()) > 0;
    });
  }

  /** Inserts the collection unless it exists; whether it was inserted. */
  private static boolean insert(Connection c, CollectionKey key, SettingsJson settings, Instant now)
      throws SQLException {
    return Jdbc.update(c, "INSERT INTO collections (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (tenant_id, name) DO NOTHING",
        key.tenant().value(), key.name(), settings.json(), now, now) == 1;
  }

  private static Optional<CollectionRecord> select(Connection c, CollectionKey key, String lock)
      throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM collections WHERE tenant_id = ? AND name = ?" + lock,
        JdbcCollectionStore::row, key.tenant().value(), key.name());
  }

  private static CollectionRecord row(ResultSet rs) throws SQLException {
    return new CollectionRecord(
        new CollectionKey(new TenantId(rs.getString("tenant_id")), rs.getString("name")),
        new SettingsJson(rs.getString("settings")),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"));
  }
}

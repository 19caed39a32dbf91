package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.tenant.Tenant;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.tenant.TenantStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcTenantStore implements TenantStore {

  private final Database db;
  private final StoreOptions options;

  JdbcTenantStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public Tenant create(TenantId id) {
    Instant now = options.now();
    return db.write("creating tenant '" + id + "'", c -> {
      if (Jdbc.update(c, "INSERT INTO tenants (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
          id.value(), now) == 0) {
        throw new ConflictException("tenant '" + id + "' already exists");
      }
      return new Tenant(id, now);
    });
  }

  @Override
  public Optional<Tenant> find(TenantId id) {
    return db.read("reading tenant '" + id + "'",
        c -> Jdbc.one(c, "SELECT id, created_at FROM tenants WHERE id = ?", JdbcTenantStore::tenant, id.value()));
  }

  @Override
  public List<Tenant> list() {
    return db.read("listing tenants",
        c -> Jdbc.list(c, "SELECT id, created_at FROM tenants ORDER BY id", JdbcTenantStore::tenant));
  }

  @Override
  public boolean delete(TenantId id) {
    return db.write("deleting tenant '" + id + "'",
        c -> Jdbc.update(c, "DELETE FROM tenants WHERE id = ?", id.value()) > 0);
  }

  private static Tenant tenant(ResultSet rs) throws SQLException {
    return new Tenant(new TenantId(rs.getString("id")), Jdbc.instant(rs, "created_at"));
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.tool.ToolDefinition;
import dev.quarry.store.tool.ToolStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

final class JdbcToolStore implements ToolStore {

  private static final String COLUMNS = "tenant_id, name, description, parameters, url, created_at, updated_at";

  private final Database db;
  private final StoreOptions options;

  JdbcToolStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  @Override
  public boolean put(TenantId tenant, String name, String description, String parameters, String url) {
    for (String s : List.of(name, description, parameters, url)) {
      if (s.indexOf('\0') >= 0) {
        throw new InvalidInputException("a tool's fields must not contain NUL characters");
      }
    }
    Instant now = options.now();
    return db.write("storing tool '" + name + "' of tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      int updated = Jdbc.update(c, "UPDATE tools SET description = ?, parameters = ?, url = ?, updated_at = ?"
          + " WHERE tenant_id = ? AND name = ?", description, parameters, url, now, tenant.value(), name);
      if (updated > 0) {
        return false;
      }
      long held = Jdbc.one(c, "SELECT COUNT(*) AS n FROM tools WHERE tenant_id = ?", rs -> rs.getLong("n"),
          tenant.value()).orElse(0L);
      if (held >= MAX_PER_TENANT) {
        throw new ConflictException("tenant '" + tenant + "' already has " + MAX_PER_TENANT
            + " tools, the most one tenant may have; delete some first");
      }
      Jdbc.update(c, "INSERT INTO tools (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", tenant.value(), name,
          description, parameters, url, now, now);
      return true;
    });
  }

  @Override
  public Optional<ToolDefinition> find(TenantId tenant, String name) {
    return db.read("reading tool '" + name + "'", c -> Jdbc.one(c,
        "SELECT " + COLUMNS + " FROM tools WHERE tenant_id = ? AND name = ?", JdbcToolStore::row, tenant.value(),
        name));
  }

  @Override
  public List<ToolDefinition> list(TenantId tenant) {
    return db.read("listing the tools of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM tools WHERE tenant_id = ? ORDER BY name LIMIT ?", JdbcToolStore::row,
        tenant.value(), MAX_PER_TENANT));
  }

  @Override
  public boolean delete(TenantId tenant, String name) {
    return db.write("deleting tool '" + name + "'", c ->
        Jdbc.update(c, "DELETE FROM tools WHERE tenant_id = ? AND name = ?", tenant.value(), name) > 0);
  }

  @Override
  public Set<String> allowedHosts(TenantId tenant) {
    return db.read("reading the tool hosts of tenant '" + tenant + "'", c -> new LinkedHashSet<>(Jdbc.list(c,
        "SELECT host FROM tool_hosts WHERE tenant_id = ? ORDER BY host", rs -> rs.getString("host"),
        tenant.value())));
  }

  @Override
  public void setAllowedHosts(TenantId tenant, Set<String> hosts) {
    if (hosts.size() > MAX_HOSTS) {
      throw new InvalidInputException("at most " + MAX_HOSTS + " hosts, got: " + hosts.size());
    }
    db.write("storing the tool hosts of tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Jdbc.update(c, "DELETE FROM tool_hosts WHERE tenant_id = ?", tenant.value());
      for (String h : hosts) {
        Jdbc.update(c, "INSERT INTO tool_hosts (tenant_id, host) VALUES (?, ?)", tenant.value(), h);
      }
      return null;
    });
  }

  private static ToolDefinition row(ResultSet rs) throws SQLException {
    return new ToolDefinition(new TenantId(rs.getString("tenant_id")), rs.getString("name"),
        rs.getString("description"), rs.getString("parameters"), rs.getString("url"),
        Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
  }
}

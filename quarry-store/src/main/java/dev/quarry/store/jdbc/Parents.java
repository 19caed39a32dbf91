package dev.quarry.store.jdbc;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Checks, inside a write, that what a new row belongs to exists, so that the caller gets a precise
 * {@code NotFoundException} instead of a foreign-key failure (which remains the backstop).
 */
final class Parents {

  private Parents() {}

  static void requireTenant(Connection c, TenantId tenant) throws SQLException {
    if (!Jdbc.exists(c, "SELECT 1 FROM tenants WHERE id = ?", tenant.value())) {
      throw new NotFoundException("tenant '" + tenant + "' does not exist");
    }
  }

  static void requireCollection(Connection c, CollectionKey key) throws SQLException {
    if (!Jdbc.exists(c, "SELECT 1 FROM collections WHERE tenant_id = ? AND name = ?",
        key.tenant().value(), key.name())) {
      throw new NotFoundException(
          "collection '" + key.name() + "' does not exist in tenant '" + key.tenant() + "'");
    }
  }
}

package dev.quarry.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.StorageException;
import dev.quarry.store.DeletedRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL through a HikariCP pool, every unit of work in a READ COMMITTED transaction. Rows are
 * locked explicitly where a read decides a write ({@code FOR UPDATE}); work queues skip rows other
 * transactions hold ({@code FOR UPDATE SKIP LOCKED}).
 */
final class PostgresDatabase extends Database {

  /** Key of the transaction-level advisory lock that serialises migrations across instances. */
  private static final long MIGRATION_LOCK = 0x5175617272790001L;

  private final HikariDataSource pool;
  private final String description;

  PostgresDatabase(PostgresSettings settings) {
    this.description = settings.jdbcUrl() + settings.schema().map(s -> " (schema " + s + ")").orElse("");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    settings.password().ifPresent(config::setPassword);
    settings.schema().ifPresent(config::setSchema);
    config.setPoolName("quarry-store-postgres");
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.addDataSourceProperty(
        "connectTimeout", String.valueOf(Math.max(1, settings.connectionTimeout().toSeconds())));
    config.addDataSourceProperty("ApplicationName", "quarry");
    try {
      this.pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StorageException(
          "cannot connect to PostgreSQL at " + description + ": " + cause.getMessage(), e);
    }
    settings.schema().ifPresent(this::createSchema);
  }

  private void createSchema(String schema) {
    try {
      write("creating schema " + schema, c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
        }
        return null;
      });
    } catch (ConflictException e) {
      // Another instance created it between IF NOT EXISTS and the insert into the catalog: fine.
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  <T> T write(String action, SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return inTransaction(c, action, work);
    } catch (SQLException e) {
      throw unavailable(e, action);
    }
  }

  @Override
  <T> T writeUnforced(String action, SqlWork<T> work) {
    return write(action, c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL synchronous_commit = off");
      }
      return work.run(c);
    });
  }

  @Override
  <T> T read(String action, SqlWork<T> work) {
    return write(action, work);
  }

  @Override
  void lockForMigration(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, MIGRATION_LOCK);
      ps.execute();
    }
  }

  /**
   * Nothing to do that would help: PostgreSQL frees dead rows' space at VACUUM (autovacuum) without
   * overwriting it, and keeps WAL segments until checkpoints recycle them; see {@link
   * DeletedRows#UNTIL_REUSED}.
   */
  @Override
  boolean purgeDeleted() {
    return true;
  }

  @Override
  DeletedRows deletedRows() {
    return DeletedRows.UNTIL_REUSED;
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "PostgreSQL " + description;
  }
}

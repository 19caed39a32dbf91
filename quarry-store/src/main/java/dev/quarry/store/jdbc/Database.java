package dev.quarry.store.jdbc;

import dev.quarry.core.error.QuarryException;
import dev.quarry.store.DeletedRows;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs units of work in transactions and turns driver failures into core's typed exceptions, at
 * this one boundary. Writes and reads are separate so that SQLite can send every write through its
 * single writer connection while reads use a pool.
 */
abstract sealed class Database implements AutoCloseable permits SqliteDatabase, PostgresDatabase {

  abstract Dialect dialect();

  /** Runs {@code work} in a read-write transaction; commits, or rolls back when it throws. */
  abstract <T> T write(String action, SqlWork<T> work);

  /**
   * {@link #write}, but the commit does not wait for the device: it survives a crash of this
   * process at once (SQLite: the log is written to the OS before the commit returns), a power loss
   * or an operating-system crash only once a later commit or checkpoint has forced the log (SQLite
   * with fsync on each commit: the next ordinary write; PostgreSQL: {@code synchronous_commit = off},
   * the WAL writer's next flush, at most three of its delays later). Never a torn or half
   * transaction: a lost commit is lost whole. For records whose loss on power failure costs less
   * than a flush on every request (a chat's session turn).
   */
  abstract <T> T writeUnforced(String action, SqlWork<T> work);

  /** Runs {@code work} in a transaction that only reads (one consistent snapshot on SQLite). */
  abstract <T> T read(String action, SqlWork<T> work);

  /**
   * Prepares a migration transaction on {@code connection} (already inside {@link #write}) so that
   * concurrent processes migrate one at a time.
   */
  abstract void lockForMigration(Connection connection) throws SQLException;

  /** See {@link dev.quarry.store.Store#purgeDeleted()}. */
  abstract boolean purgeDeleted();

  abstract DeletedRows deletedRows();

  @Override
  public abstract void close();

  /** Rolls back after {@code failure}, keeping a rollback failure as suppressed. */
  static void rollback(Connection c, Throwable failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** Runs {@code work} with auto-commit off and commits; translates driver failures. */
  <T> T inTransaction(Connection c, String action, SqlWork<T> work) {
    try {
      c.setAutoCommit(false);
    } catch (SQLException e) {
      throw dialect().translate(e, action);
    }
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException e) {
      rollback(c, e);
      throw dialect().translate(e, action);
    } catch (RuntimeException | Error e) {
      rollback(c, e);
      throw e;
    }
  }

  /** Wraps a failure to obtain a connection. */
  QuarryException unavailable(SQLException e, String action) {
    return dialect().translate(e, action);
  }
}

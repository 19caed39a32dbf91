package dev.quarry.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.quarry.core.error.StorageException;
import dev.quarry.store.DeletedRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite file in WAL mode: a single writer connection, used under a fair lock and always in a
 * {@code BEGIN IMMEDIATE} transaction, and a small pool of read-only connections that read while
 * the writer writes. Writes in this process are serialised by the lock, writes of other processes
 * (a CLI beside the server) by SQLite's own lock with the busy timeout.
 */
final class SqliteDatabase extends Database {

  private final Path file;
  private final long busyTimeoutMillis;
  private final boolean fsyncEachCommit;
  private final ReentrantLock writerLock = new ReentrantLock(true);
  private final Connection writer;
  private final HikariDataSource readers;
  private volatile boolean closed;

  SqliteDatabase(Path file, long busyTimeoutMillis, int readConnections, boolean fsyncEachCommit) {
    this.file = file;
    this.busyTimeoutMillis = busyTimeoutMillis;
    this.fsyncEachCommit = fsyncEachCommit;
    String url = "jdbc:sqlite:" + file.toAbsolutePath();

    SQLiteConfig writerConfig = commonConfig(busyTimeoutMillis);
    writerConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
    writerConfig.setSynchronous(
        fsyncEachCommit ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    try {
      this.writer = dataSource(url, writerConfig).getConnection();
    } catch (SQLException e) {
      throw new StorageException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
    }

    SQLiteConfig readerConfig = commonConfig(busyTimeoutMillis);
    readerConfig.setReadOnly(true);
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(dataSource(url, readerConfig));
    pool.setPoolName("quarry-store-sqlite-readers");
    pool.setReadOnly(true); // matches the connections' own flag, which SQLite fixes at open
    pool.setMaximumPoolSize(readConnections);
    pool.setMinimumIdle(1);
    pool.setConnectionTimeout(Math.max(250, busyTimeoutMillis));
    try {
      this.readers = new HikariDataSource(pool);
    } catch (RuntimeException e) {
      closeQuietly(writer, e);
      throw new StorageException("cannot open SQLite readers on " + file + ": " + e.getMessage(), e);
    }
  }

  private static SQLiteConfig commonConfig(long busyTimeoutMillis) {
    SQLiteConfig config = new SQLiteConfig();
    // erased documents: zero the pages their rows and content leave behind, not only unlink them
    config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeoutMillis));
    config.enforceForeignKeys(true);
    return config;
  }

  private static SQLiteDataSource dataSource(String url, SQLiteConfig config) {
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl(url);
    return ds;
  }

  @Override
  Dialect dialect() {
    return Dialect.SQLITE;
  }

  @Override
  <T> T write(String action, SqlWork<T> work) {
    lockWriter(action);
    try {
      return writeLocked(action, work);
    } finally {
      writerLock.unlock();
    }
  }

  /**
   * With fsync on each commit, the transaction runs at {@code synchronous=NORMAL} (in WAL mode: the
   * commit is written to the log, not forced to the device; the next FULL commit or checkpoint forces
   * it with the log), and the writer is set back to FULL afterwards.
   */
  @Override
  <T> T writeUnforced(String action, SqlWork<T> work) {
    lockWriter(action);
    try {
      if (!fsyncEachCommit || closed) {
        return writeLocked(action, work);
      }
      exec(action, "PRAGMA synchronous = NORMAL");
      try {
        return writeLocked(action, work);
      } finally {
        exec(action, "PRAGMA synchronous = FULL");
      }
    } finally {
      writerLock.unlock();
    }
  }

  private <T> T writeLocked(String action, SqlWork<T> work) {
    if (closed) {
      throw new StorageException(action + " failed: the store is closed");
    }
    exec(action, "BEGIN IMMEDIATE");
    T result;
    try {
      result = work.run(writer);
    } catch (SQLException e) {
      abort(e);
      throw dialect().translate(e, action);
    } catch (RuntimeException | Error e) {
      abort(e);
      throw e;
    }
    exec(action, "COMMIT");
    return result;
  }

  private void lockWriter(String action) {
    boolean locked;
    try {
      locked = writerLock.tryLock(busyTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(action + " was interrupted while waiting for the SQLite writer", e);
    }
    if (!locked) {
      throw new StorageException(action + " failed: the SQLite writer stayed busy for "
          + busyTimeoutMillis + " ms (queue length " + writerLock.getQueueLength() + "); retry");
    }
  }

  /**
   * Checkpoints the write-ahead log into the database file and truncates it to zero bytes: its
   * frames from before a delete still hold the deleted rows, while the pages now in the file have
   * them zeroed ({@code secure_delete}). False when a reader kept the log in use past the busy
   * timeout (SQLite reports the checkpoint as blocked).
   */
  @Override
  boolean purgeDeleted() {
    String action = "checkpointing and truncating the SQLite write-ahead log";
    lockWriter(action);
    try {
      if (closed) {
        throw new StorageException(action + " failed: the store is closed");
      }
      try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        return rs.next() && rs.getInt(1) == 0;
      } catch (SQLException e) {
        throw dialect().translate(e, action);
      }
    } finally {
      writerLock.unlock();
    }
  }

  @Override
  DeletedRows deletedRows() {
    return DeletedRows.ERASED;
  }

  private void exec(String action, String sql) {
    try (Statement s = writer.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      if (!sql.startsWith("BEGIN")) {
        abort(e);
      }
      throw dialect().translate(e, action);
    }
  }

  /** Rolls the writer back; SQLite may already have done so after a severe error. */
  private void abort(Throwable failure) {
    try (Statement s = writer.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
        failure.addSuppressed(e);
      }
    }
  }

  @Override
  <T> T read(String action, SqlWork<T> work) {
    if (closed) {
      throw new StorageException(action + " failed: the store is closed");
    }
    try (Connection c = readers.getConnection()) {
      return inTransaction(c, action, work);
    } catch (SQLException e) {
      throw unavailable(e, action);
    }
  }

  @Override
  void lockForMigration(Connection connection) {
    // BEGIN IMMEDIATE already holds SQLite's write lock, which excludes other processes.
  }

  @Override
  public void close() {
    writerLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      readers.close();
      try {
        writer.close();
      } catch (SQLException e) {
        throw new StorageException("closing SQLite database " + file + " failed: " + e.getMessage(), e);
      }
    } finally {
      writerLock.unlock();
    }
  }

  private static void closeQuietly(Connection c, Throwable failure) {
    try {
      c.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.QuarryException;
import dev.quarry.core.error.StorageException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.sqlite.SQLiteException;

/**
 * The few places where SQLite and PostgreSQL differ for this store: row locking clauses, where a
 * migration may override the shared script, and how a driver reports a failure. Everything else
 * (types, {@code ON CONFLICT}, {@code RETURNING}, row values, partial indexes) is shared SQL.
 */
enum Dialect {
  SQLITE("sqlite", "SQLite"),
  POSTGRESQL("postgresql", "PostgreSQL");

  private final String folder;
  private final String displayName;

  Dialect(String folder, String displayName) {
    this.folder = folder;
    this.displayName = displayName;
  }

  /** Resource folder of this dialect's migration overrides, beside the shared {@code common}. */
  String folder() {
    return folder;
  }

  String displayName() {
    return displayName;
  }

  /**
   * Row lock on the rows a SELECT reads, for the rest of the transaction. SQLite needs none: its
   * writes run one at a time in {@code BEGIN IMMEDIATE} transactions.
   */
  String forUpdate() {
    return this == POSTGRESQL ? " FOR UPDATE" : "";
  }

  /** Like {@link #forUpdate()}, skipping rows another transaction holds: for work queues. */
  String forUpdateSkipLocked() {
    return this == POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
  }

  /** What kind of failure a driver exception is. */
  enum Failure {
    UNIQUE,
    FOREIGN_KEY,
    CHECK,
    BUSY,
    UNAVAILABLE,
    OTHER
  }

  Failure classify(SQLException e) {
    if (e instanceof SQLiteException s) {
      String code = s.getResultCode().name();
      if (code.equals("SQLITE_CONSTRAINT_UNIQUE") || code.equals("SQLITE_CONSTRAINT_PRIMARYKEY")) {
        return Failure.UNIQUE;
      }
      if (code.equals("SQLITE_CONSTRAINT_FOREIGNKEY")) {
        return Failure.FOREIGN_KEY;
      }
      if (code.startsWith("SQLITE_CONSTRAINT")) {
        return Failure.CHECK;
      }
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
        return Failure.BUSY;
      }
      if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_IOERR")
          || code.equals("SQLITE_FULL") || code.startsWith("SQLITE_READONLY")
          || code.startsWith("SQLITE_CORRUPT") || code.equals("SQLITE_NOTADB")) {
        return Failure.UNAVAILABLE;
      }
      return Failure.OTHER;
    }
    if (e instanceof SQLTransientConnectionException) {
      return Failure.UNAVAILABLE;
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return switch (state) {
      case "23505" -> Failure.UNIQUE;
      case "23503" -> Failure.FOREIGN_KEY;
      case "23514", "23502" -> Failure.CHECK;
      case "40001", "40P01", "55P03" -> Failure.BUSY;
      case "57P01", "57P02", "57P03", "53300" -> Failure.UNAVAILABLE;
      default -> state.startsWith("08") ? Failure.UNAVAILABLE : Failure.OTHER;
    };
  }

  /**
   * The typed exception for a driver failure while doing {@code action} (a phrase such as
   * "creating tenant 'acme'"). Stores check what they can before writing, with precise messages;
   * this is the backstop for races and for the database's own failures.
   */
  QuarryException translate(SQLException e, String action) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return switch (classify(e)) {
      case UNIQUE -> new ConflictException(action + " failed: it already exists", e);
      case FOREIGN_KEY -> new NotFoundException(
          action + " failed: a record it refers to does not exist", e);
      case CHECK -> new InvalidInputException(action + " failed: a value breaks a rule: " + detail, e);
      case BUSY -> new StorageException(
          action + " failed: " + displayName + " is busy with conflicting work; retry: " + detail, e);
      case UNAVAILABLE -> new StorageException(
          action + " failed: " + displayName + " is unavailable: " + detail, e);
      case OTHER -> new StorageException(action + " failed in " + displayName + ": " + detail, e);
    };
  }
}

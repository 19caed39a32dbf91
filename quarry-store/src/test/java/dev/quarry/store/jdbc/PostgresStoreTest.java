package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL: a fresh database for the class (see {@link PostgresTestServer})
 * and a fresh schema in it per test.
 */
class PostgresStoreTest extends StoreContract {

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
    schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    super.openStore();
  }

  @Override
  Store open(StoreOptions options) {
    return PostgresStore.open(settings(), options);
  }

  private PostgresSettings settings() {
    return PostgresSettings.of(server.jdbcUrl(), "postgres").withSchema(schema).withPool(6, Duration.ofSeconds(10));
  }

  @Override
  Connection rawConnection() throws SQLException {
    return server.connect(schema);
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Test
  void anUnreachableServerFailsFastWithAStorageException() {
    PostgresSettings nowhere = PostgresSettings.of("jdbc:postgresql://127.0.0.1:1/quarry", "postgres")
        .withPool(2, Duration.ofSeconds(1));
    long start = System.nanoTime();
    StorageException e = assertThrows(StorageException.class, () -> PostgresStore.open(nowhere, options).close());
    assertTrue(e.getMessage().contains("cannot connect to PostgreSQL"), e.getMessage());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "fails fast");
  }

  @Test
  void passwordsStayOutOfSettingsText() {
    assertTrue(settings().withPassword("s3cret").toString().contains("<hidden>"));
    assertTrue(!settings().withPassword("s3cret").toString().contains("s3cret"));
  }
}

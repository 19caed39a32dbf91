package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.DocumentRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  void aClaimSkipsDocumentsAnotherTransactionHoldsInsteadOfWaitingForThem() throws Exception {
    CollectionKey docs = collection(tenant("acme"), "docs");
    for (String id : List.of("d1", "d2", "d3", "d4")) {
      submit(docs, id, "h");
    }
    try (Connection other = rawConnection()) {
      // another worker in the middle of its claim: it holds d1 and d2
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        s.execute("SELECT doc_id FROM document_states WHERE doc_id IN ('d1', 'd2') FOR UPDATE");
      }
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<List<DocumentRecord>> claim = pool.submit(() -> store.documents().claimDue(docs, 10, Duration.ofMinutes(1)));
        List<DocumentRecord> claimed = claim.get(10, TimeUnit.SECONDS); // FOR UPDATE without SKIP LOCKED would block
        assertEquals(List.of("d3", "d4"), ids(claimed));
      } finally {
        pool.shutdownNow();
      }
      other.rollback();
    }
    assertEquals(List.of("d1", "d2"), ids(store.documents().claimDue(docs, 10, Duration.ofMinutes(1))),
        "released by the other transaction, they are claimed next");
  }

  @Test
  void passwordsStayOutOfSettingsText() {
    assertTrue(settings().withPassword("s3cret").toString().contains("<hidden>"));
    assertTrue(!settings().withPassword("s3cret").toString().contains("s3cret"));
  }
}

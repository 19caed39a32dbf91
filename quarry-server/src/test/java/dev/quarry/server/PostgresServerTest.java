package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.server.config.StoreConfig;
import dev.quarry.store.jdbc.PostgresTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry serve} with {@code store.kind: postgres}, configured by a file and a variable as an
 * operator would: the server's state (tenants, keys) lives in PostgreSQL, not in the data directory,
 * and survives a restart.
 */
class PostgresServerTest {

  static final String ADMIN = "postgres-test-admin-key-0123456789";

  static PostgresTestServer postgres;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresTestServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aServerConfiguredForPostgresKeepsItsStateThereAcrossRestarts() throws Exception {
    Path file = Files.writeString(dir.resolve("quarry.yaml"), """
        server: {port: 0}
        store:
          kind: postgres
          url: %s
          user: postgres
          schema: quarry_state
          pool_size: 4
          connect_timeout: 5s
        """.formatted(postgres.jdbcUrl()));
    Path dataDir = dir.resolve("data");
    ServerConfig config = ServerConfig.load(Optional.of(file),
        Map.of("QUARRY_ADMIN_KEY", ADMIN, "QUARRY_DATA_DIR", dataDir.toString()), ServerConfig.Flags.NONE);
    assertInstanceOf(StoreConfig.Postgres.class, config.store());

    try (QuarryServer server = QuarryServer.start(config, quiet())) {
      assertEquals(200, send(server, "GET", "/readyz", null, null).statusCode());
      assertEquals(201, send(server, "POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}").statusCode());
      String metrics = send(server, "GET", "/metrics", null, null).body();
      assertTrue(metrics.contains("quarry_ingest_documents{state=\"indexed\"} 0\nquarry_ingest_documents{state=\"failed\"} 0\n")
          && metrics.contains("quarry_ingest_queue_due 0\n"), "the ingestion gauges read PostgreSQL: " + metrics);
    }
    assertFalse(Files.exists(dataDir.resolve("quarry.sqlite")), "no SQLite store was opened");
    try (Connection c = postgres.connect();
        PreparedStatement s = c.prepareStatement(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quarry_state'");
        ResultSet r = s.executeQuery()) {
      assertTrue(r.next());
      assertTrue(r.getInt(1) > 0, "the store's tables are in the configured schema");
    }

    try (QuarryServer again = QuarryServer.start(config, quiet())) {
      HttpResponse<String> dup = send(again, "POST", "/v1/tenants", ADMIN, "{\"id\":\"acme\"}");
      assertEquals(409, dup.statusCode(), "the tenant created before the restart is still there: " + dup.body());
      assertEquals(201, send(again, "POST", "/v1/tenants/acme/keys", ADMIN, "{\"scopes\":[\"search\"]}").statusCode());
    }
  }

  @Test
  void anUnreachablePostgresFailsTheStartWithAStorageError() {
    ServerConfig config = ServerConfig.load(Optional.empty(), Map.of(
        "QUARRY_STORE_KIND", "postgres", "QUARRY_STORE_URL", "jdbc:postgresql://127.0.0.1:1/quarry",
        "QUARRY_STORE_USER", "postgres", "QUARRY_STORE_CONNECT_TIMEOUT", "1s",
        "QUARRY_DATA_DIR", dir.resolve("data").toString()), ServerConfig.Flags.NONE);
    StorageException e = assertThrows(StorageException.class, () -> QuarryServer.start(config.withPort(0), quiet()).close());
    assertTrue(e.getMessage().contains("cannot connect to PostgreSQL"), e.getMessage());
  }

  private static HttpResponse<String> send(QuarryServer server, String method, String path, String key, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}

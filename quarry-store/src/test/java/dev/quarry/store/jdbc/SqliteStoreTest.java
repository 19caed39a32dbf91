package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, a fresh file per test; plus what only SQLite has. */
class SqliteStoreTest extends StoreContract {

  @TempDir Path dataDir;

  @Override
  Store open(StoreOptions options) {
    return SqliteStore.open(new SqliteSettings(dataDir, Duration.ofSeconds(5), 2, false), options);
  }

  @Override
  Connection rawConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteStore.FILE_NAME));
  }

  @Override
  Dialect dialect() {
    return Dialect.SQLITE;
  }

  @Test
  void theDatabaseIsOneFileInTheDataDirectoryInWalMode() throws SQLException {
    assertTrue(Files.isRegularFile(dataDir.resolve(SqliteStore.FILE_NAME)));
    try (Connection c = rawConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertEquals("wal", rs.getString(1));
    }
  }

  @Test
  void aDataDirectoryThatIsAFileFailsWithAStorageException() throws IOException {
    Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");
    StorageException e = assertThrows(StorageException.class,
        () -> SqliteStore.open(SqliteSettings.in(file), options).close());
    assertTrue(e.getMessage().contains("not-a-dir"), e.getMessage());
  }
}

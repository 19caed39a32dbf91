package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.DocumentContent;
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.document.DocumentSubmission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.stream.Stream;
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

  /** Issue 7, item 24: a deleted document's content stayed in the write-ahead log, never checkpointed. */
  @Test
  void purgedContentIsInNoFileOfTheDatabaseAndTheOthersAreKept() throws IOException {
    CollectionKey docs = collection(tenant("acme"), "docs");
    String marker = "qzxv-erased-subject-7731";
    for (int i = 0; i < 20; i++) {
      String text = (i == 7 ? marker : "note " + i) + " " + "lorem ipsum ".repeat(400); // spills into overflow pages
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d" + i), "h" + i)
          .withContent(DocumentContent.of("text/plain", text.getBytes(StandardCharsets.UTF_8))));
    }
    assertTrue(store.documents().delete(DocumentKey.of(docs, "d7"), OptionalLong.empty()));
    assertTrue(inSomeFile(marker), "a delete leaves the content in the log");

    assertTrue(store.purgeDeleted());
    assertFalse(inSomeFile(marker), "purged: in neither the database file nor its log");
    Path wal = dataDir.resolve(SqliteStore.FILE_NAME + "-wal");
    assertTrue(!Files.exists(wal) || Files.size(wal) == 0, "the log is truncated");
    assertTrue(new String(store.documents().content(DocumentKey.of(docs, "d8")).orElseThrow().body(),
        StandardCharsets.UTF_8).startsWith("note 8 "));
  }

  private boolean inSomeFile(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.StorageException;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the embedded store: one SQLite file, {@value #FILE_NAME}, in the data directory. */
public final class SqliteStore {

  public static final String FILE_NAME = "quarry.sqlite";

  private SqliteStore() {}

  /**
   * Opens (creating when needed) the database in {@code settings.dataDir()} and applies missing
   * migrations. {@code StorageException} when the directory or file cannot be used.
   */
  public static Store open(SqliteSettings settings, StoreOptions options) {
    Path file = settings.dataDir().resolve(FILE_NAME);
    try {
      Files.createDirectories(settings.dataDir());
    } catch (IOException e) {
      throw new StorageException("cannot create data directory " + settings.dataDir() + ": " + e.getMessage(), e);
    }
    Database db = new SqliteDatabase(
        file, settings.busyTimeout().toMillis(), settings.readConnections(), settings.fsyncEachCommit());
    return JdbcStore.open(db, options);
  }
}

package dev.quarry.server;

import dev.quarry.server.config.StoreConfig;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.PostgresStore;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import java.nio.file.Path;

/** Opens the store a configuration names: SQLite in the data directory, or PostgreSQL. */
public final class StoreFactory {

  private StoreFactory() {}

  /**
   * Opens (and migrates) the configured store; {@code StorageException} when it cannot be reached
   * or used.
   */
  public static Store open(StoreConfig config, Path dataDir, StoreOptions options) {
    return switch (config) {
      case StoreConfig.Sqlite s -> SqliteStore.open(SqliteSettings.in(dataDir), options);
      case StoreConfig.Postgres p -> PostgresStore.open(p.settings(), options);
    };
  }
}

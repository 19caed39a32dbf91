package dev.quarry.store.jdbc;

import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The experiment store contract on SQLite, a fresh file per test. */
class SqliteExperimentStoreTest extends ExperimentStoreContract {

  @TempDir Path dataDir;

  @Override
  Store open(StoreOptions options) {
    return SqliteStore.open(new SqliteSettings(dataDir, Duration.ofSeconds(5), 2, false), options);
  }
}

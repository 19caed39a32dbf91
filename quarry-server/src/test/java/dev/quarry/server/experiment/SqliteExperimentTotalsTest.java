package dev.quarry.server.experiment;

import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The report from running totals against the replayed one, on SQLite. */
class SqliteExperimentTotalsTest extends ExperimentTotalsContract {

  @TempDir Path dataDir;

  @Override
  Store open(StoreOptions options) {
    return SqliteStore.open(new SqliteSettings(dataDir, Duration.ofSeconds(5), 2, false), options);
  }
}

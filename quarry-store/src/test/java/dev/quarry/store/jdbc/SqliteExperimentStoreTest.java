package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.experiment.ExperimentTotals;
import dev.quarry.store.tenant.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment store contract on SQLite, a fresh file per test. */
class SqliteExperimentStoreTest extends ExperimentStoreContract {

  @TempDir Path dataDir;

  @Override
  Store open(StoreOptions options) {
    return SqliteStore.open(new SqliteSettings(dataDir, Duration.ofSeconds(5), 2, false), options);
  }

  @Test
  void aDatabaseWithEventsFromBeforeTheTotalsGetsThemWhenOpened() {
    Path old = dataDir.resolve("old");
    try {
      java.nio.file.Files.createDirectories(old);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    SqliteDatabase db = new SqliteDatabase(old.resolve(SqliteStore.FILE_NAME), 5000, 1, false);
    try {
      assertEquals(12, Migrations.apply(db, Instant.EPOCH, 12));
      db.write("writing events as schema 12 kept them", c -> {
        String xy = "[{\"doc\":\"x\",\"arm\":\"a\"},{\"doc\":\"y\",\"arm\":\"b\"}]";
        Jdbc.update(c, "INSERT INTO tenants (id, created_at) VALUES ('t', 0)");
        Jdbc.update(c, "INSERT INTO experiments (tenant_id, id, name, collection, kind, assign_by, arms, state, "
            + "created_at, stopped_at) VALUES ('t', 'e', 'n', 'docs', 'interleave', 'user', "
            + "'[{\"name\":\"a\"},{\"name\":\"b\"}]', 'STOPPED', 0, 5)");
        for (String r : List.of("r1", "r2", "r3")) {
          Jdbc.update(c, "INSERT INTO experiment_impressions (tenant_id, request_id, experiment_id, arm, unit_hash, "
              + "shown, created_at) VALUES ('t', ?, 'e', NULL, 'h', ?, 1)", r, xy);
        }
        List<List<Object>> feedback = List.of(List.of("f1", "r1", "click", "x", 1.0), List.of("f2", "r1", "click", "x", 1.0),
            List.of("f3", "r2", "click", "y", 1.0), List.of("f4", "r2", "dwell", "y", 300.0),
            List.of("f5", "r2", "dwell", "y", 500.0), List.of("f6", "r3", "rating", "x", 4.0));
        for (List<Object> f : feedback) {
          Jdbc.update(c, "INSERT INTO experiment_feedback (tenant_id, id, request_id, experiment_id, event, doc_id, "
              + "value, created_at) VALUES ('t', ?, ?, 'e', ?, ?, ?, 2)", f.toArray());
        }
        return null;
      });
    } finally {
      db.close();
    }
    try (Store store = SqliteStore.open(new SqliteSettings(old, Duration.ofSeconds(5), 1, false),
        StoreOptions.defaults())) {
      ExperimentTotals t = store.experiments().totals(TenantId.of("t"), "e").orElseThrow();
      assertEquals(new ExperimentTotals.ArmTotals(3, 2, 1, 1, 4, 0, 0, 0, 0), t.arms().get("a"));
      assertEquals(new ExperimentTotals.ArmTotals(3, 1, 1, 0, 0, 0, 2, 800, 20_000), t.arms().get("b"));
      assertEquals(List.of(1L, 1L, 0L), List.of(t.wins(), t.losses(), t.ties()));
    }
  }
}

package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.server.config.IngestConfig;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.metrics.PrometheusMetrics;
import dev.quarry.server.observe.Tracing;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.usage.UsageMeter;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.collection.SettingsJson;
import dev.quarry.store.erasure.ErasureReceipt;
import dev.quarry.store.erasure.ErasureStatus;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import dev.quarry.store.tenant.TenantId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's erasure steps on a real store and engine, where HTTP cannot time a race. */
class ErasuresTest {

  @TempDir Path data;

  /**
   * Issue 7, item 4: an erasure that found a collection and then waited for its write lock while
   * the collection was dropped failed on the closed index ("did not advance ... is closed").
   */
  @Test
  void anErasureWaitingForACollectionThatIsDroppedMeanwhileStillReachesPurged() throws Exception {
    try (Store store = SqliteStore.open(SqliteSettings.in(data), StoreOptions.defaults());
        Quarry engine = Quarry.open(EngineConfig.defaults(data));
        UsageMeter usage = UsageMeter.start(store.usage(), Clock.systemUTC(), UsageMeter.FLUSH_INTERVAL);
        Tracing tracing = Tracing.off()) {
      TenantId acme = store.tenants().create(TenantId.of("acme")).id();
      TenantCollection people = new TenantCollection(acme, "people");
      engine.openOrCreate(people.engineName(), Optional.empty());
      store.collections().create(Ingestion.key(people), SettingsJson.empty());
      TenantCollections collections = new TenantCollections(engine);
      WriteLocks locks = new WriteLocks(Clock.systemUTC());
      Ingestion ingestion = new Ingestion(store, collections, locks, new Contents(new JsonCodec(), engine),
          IngestConfig.DEFAULT, new PrometheusMetrics(), tracing, usage);
      Erasures erasures = new Erasures(store, collections, ingestion, locks);
      ErasureReceipt receipt = store.erasures().request(acme, "subject", "alice");
      assertEquals(2, erasures.advance(), "nothing matched: deleted, then purged, in one round");
      receipt = store.erasures().request(acme, "subject", "bob");
      store.erasures().markDeleted(acme, receipt.id(), 0); // the purge step is what races a drop

      AtomicInteger advanced = new AtomicInteger(-1);
      AtomicReference<Thread> worker = new AtomicReference<>();
      locks.with(people.engineName(), () -> {
        worker.set(Thread.ofPlatform().start(() -> advanced.set(erasures.advance())));
        awaitWaitingForAWriteLock(worker.get());
        store.collections().delete(Ingestion.key(people)); // as DELETE /v1/collections/people does
        assertTrue(engine.drop(people.engineName()));
        return null;
      });
      worker.get().join(Duration.ofSeconds(60));
      assertEquals(1, advanced.get());
      assertEquals(ErasureStatus.PURGED, store.erasures().find(acme, receipt.id()).orElseThrow().status());
    }
  }

  private static void awaitWaitingForAWriteLock(Thread t) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
          .anyMatch(f -> f.getClassName().equals(WriteLocks.class.getName()))) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the erasure never waited for the collection's write lock: " + t.getState());
  }
}

package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
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
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.DocumentSubmission;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import dev.quarry.store.tenant.TenantId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's turns over tenants, step by step: {@link Ingestion#processDue} is what each pass of
 * the worker runs, called here by the test (no worker thread) so the order is the test's to check.
 */
class FairIngestionTest {

  static final int BATCH = 4;

  @TempDir Path dir;
  Store store;
  Quarry engine;
  UsageMeter usage;
  Ingestion ingestion;
  final TenantCollection bulk = new TenantCollection(TenantId.of("acme"), "bulk");
  final TenantCollection inbox = new TenantCollection(TenantId.of("bravo"), "inbox");

  @BeforeEach
  void open() {
    Clock clock = Clock.systemUTC();
    store = SqliteStore.open(SqliteSettings.in(dir), StoreOptions.defaults().withClock(clock));
    engine = Quarry.open(EngineConfig.defaults(dir));
    usage = UsageMeter.start(store.usage(), clock, UsageMeter.FLUSH_INTERVAL);
    ingestion = new Ingestion(store, new TenantCollections(engine), new WriteLocks(clock),
        new Contents(new JsonCodec(), engine), IngestConfig.DEFAULT.withBatchDocuments(BATCH), new PrometheusMetrics(),
        Tracing.off(), usage);
    for (TenantCollection c : List.of(bulk, inbox)) {
      store.tenants().create(c.tenant());
      ingestion.ensureStored(c, engine.openOrCreate(c.engineName(), Optional.empty()));
    }
  }

  @AfterEach
  void close() throws Exception {
    usage.close();
    engine.close();
    store.close();
  }

  private IngestionJob submit(TenantCollection c, int documents) {
    List<DocumentSubmission> batch = new ArrayList<>();
    for (int i = 0; i < documents; i++) {
      Document d = Document.of(c.name() + "-" + i, "", "document " + i + " of " + c.name(), Metadata.empty());
      batch.add(DocumentSubmission.of(DocumentKey.of(Ingestion.key(c), d.id()), d.contentHash())
          .withContent(ingestion.contents().fromFields(d.title(), d.text(), d.metadata())));
    }
    return ingestion.submitBatch(c, batch);
  }

  private long indexed(IngestionJob job) {
    return store.jobs().find(job.collection().tenant(), job.id()).orElseThrow().counts().get(DocumentState.INDEXED);
  }

  @Test
  void aOneDocumentBatchWaitingBehindAnotherTenantsLargeJobIsIndexedAfterAtMostOneOfItsBatches() throws Exception {
    IngestionJob large = submit(bulk, 10 * BATCH);
    assertEquals(BATCH, ingestion.processDue(), "the worker is on acme's large job");
    IngestionJob single = submit(inbox, 1);
    CompletableFuture<JobWait> waiting = CompletableFuture.supplyAsync(() -> ingestion.awaitJob(single, Duration.ofMinutes(5)));

    assertEquals(1, ingestion.processDue(), "the next batch is bravo's one document, though acme's are older");
    JobWait outcome = waiting.get(30, TimeUnit.SECONDS);
    assertInstanceOf(JobWait.Finished.class, outcome, "the wait ends when the worker finishes bravo's job");
    assertEquals(1, outcome.job().counts().get(DocumentState.INDEXED));
    assertEquals(BATCH, indexed(large), "bravo's document came after one of acme's batches");

    assertEquals(BATCH, ingestion.processDue(), "then acme's job goes on");
    assertEquals(2 * BATCH, indexed(large));
  }

  @Test
  void aTenantsLargeJobInOneCollectionDelaysItsOtherCollectionsByAtMostOneBatch() {
    TenantCollection notes = new TenantCollection(bulk.tenant(), "notes");
    ingestion.ensureStored(notes, engine.openOrCreate(notes.engineName(), Optional.empty()));
    IngestionJob large = submit(bulk, 10 * BATCH);
    assertEquals(BATCH, ingestion.processDue());
    List<IngestionJob> jobs = List.of(large, submit(notes, 1), submit(inbox, 1));
    List<String> turns = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      List<Long> before = jobs.stream().map(this::indexed).toList();
      ingestion.processDue();
      for (int j = 0; j < jobs.size(); j++) {
        if (indexed(jobs.get(j)) > before.get(j)) {
          turns.add(jobs.get(j).collection().tenant() + "/" + jobs.get(j).collection().name());
        }
      }
    }
    // after acme/bulk: the next tenant (bravo), then acme's next collection, then acme/bulk again
    assertEquals(List.of("bravo/inbox", "acme/notes", "acme/bulk", "acme/bulk"), turns);
    assertEquals(3 * BATCH, indexed(large));
    assertFalse(store.jobs().find(bulk.tenant(), large.id()).orElseThrow().done());
  }
}

package dev.quarry.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.QuarryException;
import dev.quarry.core.error.StorageException;
import dev.quarry.store.DeletedRows;
import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.TestClock;
import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.collection.CollectionPut;
import dev.quarry.store.collection.CollectionRecord;
import dev.quarry.store.collection.SettingsJson;
import dev.quarry.store.document.ClaimTurns;
import dev.quarry.store.document.DocumentContent;
import dev.quarry.store.document.DocumentKey;
import dev.quarry.store.document.DocumentRecord;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.DocumentSubmission;
import dev.quarry.store.document.QueueCounts;
import dev.quarry.store.document.RetryPolicy;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.document.SubmitOutcome;
import dev.quarry.store.erasure.ErasureReceipt;
import dev.quarry.store.erasure.ErasureStatus;
import dev.quarry.store.idempotency.IdempotencyOutcome;
import dev.quarry.store.idempotency.IdempotencyPolicy;
import dev.quarry.store.idempotency.StoredResponse;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.Tenant;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.usage.DailyUsage;
import dev.quarry.store.usage.Meter;
import dev.quarry.store.usage.UsageDelta;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Store} implementation must show. Subclasses give a fresh, empty
 * database per test ({@link #open} may be called again within a test and reaches the same one).
 */
abstract class StoreContract {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** Opens a store on this test's database. */
  abstract Store open(StoreOptions options);

  /** A connection to this test's database that bypasses the store, to look at what it wrote. */
  abstract Connection rawConnection() throws SQLException;

  abstract Dialect dialect();

  TestClock clock;
  StoreOptions options;
  Store store;

  @BeforeEach
  void openStore() {
    clock = new TestClock(T0);
    options = StoreOptions.defaults().withClock(clock)
        .withIdempotency(new IdempotencyPolicy(Duration.ofHours(1), Duration.ofMinutes(1)));
    store = open(options);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  TenantId tenant(String id) {
    return store.tenants().create(TenantId.of(id)).id();
  }

  CollectionKey collection(TenantId tenant, String name) {
    return store.collections().create(CollectionKey.of(tenant, name), SettingsJson.empty()).key();
  }

  DocumentRecord submit(CollectionKey collection, String id, String hash) {
    return store.documents().submit(DocumentSubmission.of(DocumentKey.of(collection, id), hash)).document();
  }

  List<String> ids(List<DocumentRecord> docs) {
    return docs.stream().map(d -> d.key().id()).toList();
  }

  /** Runs {@code task} on {@code threads} threads released at once; each result or its failure. */
  static <T> List<Object> race(int threads, Callable<T> task) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      ready.await();
      go.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          results.add(f.get(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          results.add(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("a racing thread did not finish in 30 s", e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- migrations -------------------------------------------------------------------------------

  @Nested
  class Migrating {

    @Test
    void opensAtTheLatestVersionAndReopeningAppliesNothingTwice() throws SQLException {
      assertEquals(Migrations.latest(), store.schemaVersion());
      tenant("acme");
      store.close();
      store = open(options);
      store.close();
      store = open(options);
      assertEquals(Migrations.latest(), store.schemaVersion());
      assertTrue(store.tenants().find(TenantId.of("acme")).isPresent(), "data survives reopening");
      try (Connection c = rawConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
        rs.next();
        assertEquals(Migrations.ALL.size(), rs.getInt(1), "one row per migration");
        assertEquals(Migrations.latest(), rs.getInt(2));
      }
    }

    @Test
    void storesOpenedConcurrentlyOnOneDatabaseBothWork() throws InterruptedException {
      List<Object> opened = race(2, () -> open(options));
      for (Object o : opened) {
        Store s = assertInstanceOf(Store.class, o, () -> "open failed: " + o);
        assertEquals(Migrations.latest(), s.schemaVersion());
        s.close();
      }
    }

    @Test
    void refusesADatabaseWhoseSchemaIsNewer() throws SQLException {
      try (Connection c = rawConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 0)");
      }
      StorageException e = assertThrows(StorageException.class, () -> open(options).close());
      assertTrue(e.getMessage().contains("version 999"), e.getMessage());
    }

    @Test
    void pingAnswersAndAClosedStoreFailsWithAStorageException() {
      store.ping();
      store.close();
      assertThrows(StorageException.class, () -> store.tenants().list());
      assertThrows(StorageException.class, () -> store.tenants().create(TenantId.of("late")));
      store.close(); // idempotent
      store = open(options);
    }
  }

  // ---- translation of driver failures -----------------------------------------------------------

  @Nested
  class TranslatingFailures {

    private QuarryException rawFailure(String sql) throws SQLException {
      try (Connection c = rawConnection(); Statement s = c.createStatement()) {
        if (dialect() == Dialect.SQLITE) {
          s.execute("PRAGMA foreign_keys = ON");
        }
        s.execute(sql);
      } catch (SQLException e) {
        return dialect().translate(e, "doing it");
      }
      throw new AssertionError("expected " + sql + " to fail");
    }

    @Test
    void uniqueViolationsBecomeConflicts() throws SQLException {
      tenant("acme");
      QuarryException e = rawFailure("INSERT INTO tenants (id, created_at) VALUES ('acme', 0)");
      assertInstanceOf(ConflictException.class, e);
      assertEquals("doing it failed: it already exists", e.getMessage());
    }

    @Test
    void foreignKeyViolationsBecomeNotFound() throws SQLException {
      assertInstanceOf(NotFoundException.class,
          rawFailure("INSERT INTO collections (tenant_id, name, settings, created_at, updated_at)"
              + " VALUES ('nobody', 'docs', '{}', 0, 0)"));
    }

    @Test
    void otherFailuresBecomeStorageExceptions() throws SQLException {
      assertInstanceOf(StorageException.class, rawFailure("SELECT * FROM no_such_table"));
    }
  }

  // ---- tenants ----------------------------------------------------------------------------------

  @Nested
  class Tenants {

    @Test
    void createFindListAndRefuseDuplicates() {
      Tenant acme = store.tenants().create(TenantId.of("acme"));
      assertEquals(T0, acme.createdAt());
      tenant("beta");
      assertEquals(Optional.of(acme), store.tenants().find(TenantId.of("acme")));
      assertEquals(List.of("acme", "beta"), store.tenants().list().stream().map(t -> t.id().value()).toList());
      ConflictException e = assertThrows(ConflictException.class, () -> store.tenants().create(TenantId.of("acme")));
      assertEquals("tenant 'acme' already exists", e.getMessage());
      assertThrows(InvalidInputException.class, () -> TenantId.of("Not Valid"));
    }

    @Test
    void deletingATenantDeletesEverythingItOwns() {
      TenantId acme = tenant("acme");
      CollectionKey docs = collection(acme, "docs");
      submit(docs, "d1", "h1");
      store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      store.erasures().request(acme, "user", "u1");
      LocalDate day = LocalDate.of(2026, 3, 1);
      store.usage().add(List.of(new UsageDelta(acme, day, Meter.SEARCHES, 3)));
      assertTrue(store.tenants().delete(acme));
      assertFalse(store.tenants().delete(acme));
      assertTrue(store.collections().list(acme).isEmpty());
      assertTrue(store.apiKeys().list(acme).isEmpty());
      assertTrue(store.erasures().list(acme).isEmpty());
      assertEquals(0, store.documents().counts(docs).total());
      store.tenants().create(acme);
      assertEquals(List.of(), store.usage().days(acme, day, day), "a tenant of the same id starts from nothing");
    }
  }

  // ---- API keys ---------------------------------------------------------------------------------

  @Nested
  class ApiKeys {

    @Test
    void aKeyIsStoredOnlyAsASaltedHash() throws SQLException {
      TenantId acme = tenant("acme");
      IssuedKey first = store.apiKeys().create(acme, Set.of(Scope.INGEST), Optional.empty());
      IssuedKey second = store.apiKeys().create(acme, Set.of(Scope.INGEST), Optional.empty());
      List<String> salts = new ArrayList<>();
      try (Connection c = rawConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT * FROM api_keys ORDER BY created_at, id")) {
        while (rs.next()) {
          ResultSetRow row = new ResultSetRow(rs);
          for (IssuedKey k : List.of(first, second)) {
            // qk_<id>_<secret>: the secret is base64url and may itself hold '_'
            String secret = k.plaintext().substring(k.plaintext().indexOf('_', "qk_".length()) + 1);
            assertFalse(row.text().contains(secret), "no column holds a key's secret: " + row.text());
          }
          assertNotEquals(first.plaintext(), rs.getString("hash"));
          salts.add(rs.getString("salt"));
        }
      }
      assertEquals(2, salts.size());
      assertNotEquals(salts.get(0), salts.get(1), "every key has its own salt");
      assertFalse(first.toString().contains(first.plaintext()), "an issued key's toString hides the plaintext");
    }

    @Test
    void authenticateFindsTheKeyAndRejectsAnythingElse() {
      TenantId acme = tenant("acme");
      IssuedKey issued = store.apiKeys().create(acme, Set.of(Scope.INGEST, Scope.SEARCH), Optional.empty());
      ApiKey key = store.apiKeys().authenticate(issued.plaintext()).orElseThrow();
      assertEquals(issued.key(), key);
      assertEquals(acme, key.tenant());
      assertEquals(Set.of(Scope.INGEST, Scope.SEARCH), key.scopes());
      assertTrue(issued.plaintext().contains(key.id()), "the key id is the plaintext's non-secret prefix");

      String p = issued.plaintext();
      char last = p.charAt(p.length() - 1);
      String tampered = p.substring(0, p.length() - 1) + (last == 'A' ? 'B' : 'A');
      assertEquals(Optional.empty(), store.apiKeys().authenticate(tampered));
      assertEquals(Optional.empty(), store.apiKeys().authenticate("qk_0123456789abcdef_" + "A".repeat(43)));
      assertEquals(Optional.empty(), store.apiKeys().authenticate(""));
      assertEquals(Optional.empty(), store.apiKeys().authenticate("not a key at all"));
    }

    @Test
    void revokedKeysNoLongerAuthenticate() {
      TenantId acme = tenant("acme");
      IssuedKey issued = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      clock.advance(Duration.ofSeconds(5));
      ApiKey revoked = store.apiKeys().revoke(acme, issued.key().id());
      assertEquals(Optional.of(T0.plusSeconds(5)), revoked.revokedAt());
      clock.advance(Duration.ofSeconds(5));
      assertEquals(revoked, store.apiKeys().revoke(acme, issued.key().id()), "revoking twice keeps the first time");
      assertEquals(Optional.empty(), store.apiKeys().authenticate(issued.plaintext()));
      assertEquals(List.of(revoked), store.apiKeys().list(acme), "revoked keys are still listed");
    }

    @Test
    void expiredKeysNoLongerAuthenticate() {
      TenantId acme = tenant("acme");
      IssuedKey issued = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.of(T0.plusSeconds(60)));
      clock.advance(Duration.ofSeconds(59));
      assertTrue(store.apiKeys().authenticate(issued.plaintext()).isPresent());
      clock.advance(Duration.ofSeconds(1));
      assertEquals(Optional.empty(), store.apiKeys().authenticate(issued.plaintext()));
      assertThrows(InvalidInputException.class,
          () -> store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.of(T0)), "expiry in the past");
    }

    @Test
    void aChosenKeyRegistersOnceAndAuthenticates() {
      TenantId system = tenant("system");
      String chosen = "operator-chosen-admin-key-0123456789";
      ApiKey key = store.apiKeys().register(system, Set.of(Scope.ADMIN), chosen, Optional.empty());
      assertEquals(key, store.apiKeys().register(system, Set.of(Scope.ADMIN), chosen, Optional.empty()),
          "registering the same key again (a restart) changes nothing");
      assertEquals(Optional.of(key), store.apiKeys().authenticate(chosen));
      assertThrows(ConflictException.class,
          () -> store.apiKeys().register(system, Set.of(Scope.SEARCH), chosen, Optional.empty()));
      assertThrows(InvalidInputException.class,
          () -> store.apiKeys().register(system, Set.of(Scope.ADMIN), "short", Optional.empty()));
    }

    @Test
    void aKeysLastUseIsRecordedToTheMinute() {
      TenantId acme = tenant("acme");
      IssuedKey issued = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      assertEquals(Optional.empty(), store.apiKeys().find(acme, issued.key().id()).orElseThrow().lastUsedAt());
      clock.advance(Duration.ofSeconds(10));
      assertEquals(Optional.empty(), store.apiKeys().authenticate(issued.plaintext()).orElseThrow().lastUsedAt(),
          "authenticate answers the key as it was before this use");
      assertEquals(Optional.of(T0.plusSeconds(10)), store.apiKeys().find(acme, issued.key().id()).orElseThrow().lastUsedAt());
      clock.advance(Duration.ofSeconds(59));
      store.apiKeys().authenticate(issued.plaintext()).orElseThrow();
      assertEquals(Optional.of(T0.plusSeconds(10)), store.apiKeys().list(acme).getFirst().lastUsedAt(),
          "a use within a minute of the recorded one is not written");
      clock.advance(Duration.ofSeconds(1));
      store.apiKeys().authenticate(issued.plaintext()).orElseThrow();
      assertEquals(Optional.of(T0.plusSeconds(70)), store.apiKeys().list(acme).getFirst().lastUsedAt());
      clock.advance(Duration.ofMinutes(5));
      assertEquals(Optional.empty(), store.apiKeys().authenticate("qk_" + issued.key().id() + "_" + "A".repeat(43)));
      assertEquals(Optional.of(T0.plusSeconds(70)), store.apiKeys().list(acme).getFirst().lastUsedAt(),
          "a wrong secret is no use of the key");
    }

    @Test
    void rotationGivesANewSecretAndTheOldOneStopsAtOnce() {
      TenantId acme = tenant("acme");
      IssuedKey issued = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.of(T0.plusSeconds(3600)));
      IssuedKey rotated = store.apiKeys().rotate(acme, issued.key().id(), Duration.ZERO);
      assertEquals(issued.key(), rotated.key(), "the id, scopes and expiry stay; no previous secret works");
      assertNotEquals(issued.plaintext(), rotated.plaintext());
      assertTrue(rotated.plaintext().startsWith("qk_" + issued.key().id() + "_"), rotated.plaintext());
      assertEquals(Optional.empty(), store.apiKeys().authenticate(issued.plaintext()));
      assertEquals(issued.key().id(), store.apiKeys().authenticate(rotated.plaintext()).orElseThrow().id());
      assertEquals(1, store.apiKeys().list(acme).size(), "a rotation makes no new key");
    }

    @Test
    void afterARotationWithGraceBothSecretsWorkUntilTheGraceEnds() {
      TenantId acme = tenant("acme");
      IssuedKey first = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      IssuedKey second = store.apiKeys().rotate(acme, first.key().id(), Duration.ofMinutes(10));
      assertEquals(Optional.of(T0.plusSeconds(600)), second.key().previousSecretValidUntil());
      assertEquals(second.key(), store.apiKeys().find(acme, first.key().id()).orElseThrow());
      clock.advance(Duration.ofMinutes(9));
      assertTrue(store.apiKeys().authenticate(first.plaintext()).isPresent(), "within the grace period");
      assertTrue(store.apiKeys().authenticate(second.plaintext()).isPresent());
      clock.advance(Duration.ofMinutes(1));
      assertEquals(Optional.empty(), store.apiKeys().authenticate(first.plaintext()), "the grace period is over");
      assertTrue(store.apiKeys().authenticate(second.plaintext()).isPresent());

      IssuedKey third = store.apiKeys().rotate(acme, first.key().id(), Duration.ofMinutes(10));
      IssuedKey fourth = store.apiKeys().rotate(acme, first.key().id(), Duration.ofMinutes(10));
      assertEquals(Optional.empty(), store.apiKeys().authenticate(second.plaintext()),
          "a secret two rotations old stops at once, whatever its grace");
      assertTrue(store.apiKeys().authenticate(third.plaintext()).isPresent());
      assertTrue(store.apiKeys().authenticate(fourth.plaintext()).isPresent());
      store.apiKeys().revoke(acme, first.key().id());
      assertEquals(Optional.empty(), store.apiKeys().authenticate(third.plaintext()), "revoking stops every secret");
      assertEquals(Optional.empty(), store.apiKeys().authenticate(fourth.plaintext()));
    }

    @Test
    void revokedExpiredChosenAndOtherTenantsKeysAreNotRotated() {
      TenantId acme = tenant("acme");
      TenantId rival = tenant("rival");
      IssuedKey revoked = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      store.apiKeys().revoke(acme, revoked.key().id());
      ConflictException r = assertThrows(ConflictException.class,
          () -> store.apiKeys().rotate(acme, revoked.key().id(), Duration.ZERO));
      assertTrue(r.getMessage().contains("revoked"), r.getMessage());
      IssuedKey expiring = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.of(T0.plusSeconds(1)));
      clock.advance(Duration.ofSeconds(1));
      assertThrows(ConflictException.class, () -> store.apiKeys().rotate(acme, expiring.key().id(), Duration.ZERO));
      ApiKey chosen = store.apiKeys().register(acme, Set.of(Scope.ADMIN), "operator-chosen-admin-key-0123456789",
          Optional.empty());
      assertThrows(InvalidInputException.class, () -> store.apiKeys().rotate(acme, chosen.id(), Duration.ZERO));
      IssuedKey live = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      assertThrows(NotFoundException.class, () -> store.apiKeys().rotate(rival, live.key().id(), Duration.ZERO));
      assertThrows(InvalidInputException.class, () -> store.apiKeys().rotate(acme, live.key().id(), Duration.ofSeconds(-1)));
      assertThrows(InvalidInputException.class,
          () -> store.apiKeys().rotate(acme, live.key().id(), Duration.ofHours(24).plusSeconds(1)));
      assertTrue(store.apiKeys().authenticate(live.plaintext()).isPresent(), "refused rotations change nothing");
    }

    @Test
    void keysNeedAnExistingTenantAndAScope() {
      assertThrows(NotFoundException.class,
          () -> store.apiKeys().create(TenantId.of("ghost"), Set.of(Scope.SEARCH), Optional.empty()));
      TenantId acme = tenant("acme");
      assertThrows(InvalidInputException.class, () -> store.apiKeys().create(acme, Set.of(), Optional.empty()));
      assertThrows(NotFoundException.class, () -> store.apiKeys().revoke(acme, "0123456789abcdef"));
    }
  }

  // ---- collections ------------------------------------------------------------------------------

  @Nested
  class Collections {

    @Test
    void createPutFindListDelete() {
      TenantId acme = tenant("acme");
      CollectionKey docs = CollectionKey.of(acme, "docs");
      CollectionRecord created = store.collections().create(docs, SettingsJson.of("{ \"k\": 10 }"));
      assertEquals("{\"k\":10}", created.settings().json(), "settings are kept normalised");
      assertThrows(ConflictException.class, () -> store.collections().create(docs, SettingsJson.empty()));

      clock.advance(Duration.ofSeconds(1));
      CollectionPut updated = store.collections().put(docs, SettingsJson.of("{\"k\":20}"));
      assertFalse(updated.created());
      assertEquals(T0, updated.collection().createdAt());
      assertEquals(T0.plusSeconds(1), updated.collection().updatedAt());
      assertTrue(store.collections().put(CollectionKey.of(acme, "notes"), SettingsJson.empty()).created());

      assertEquals(Optional.of(updated.collection()), store.collections().find(docs));
      assertEquals(List.of("docs", "notes"), store.collections().list(acme).stream().map(c -> c.key().name()).toList());
      assertTrue(store.collections().delete(docs));
      assertFalse(store.collections().delete(docs));
      assertEquals(Optional.empty(), store.collections().find(docs));
    }

    @Test
    void badSettingsNamesAndTenantsAreRefused() {
      assertThrows(InvalidInputException.class, () -> SettingsJson.of("[1, 2]"));
      assertThrows(InvalidInputException.class, () -> SettingsJson.of("{oops"));
      assertThrows(InvalidInputException.class, () -> CollectionKey.of(TenantId.of("acme"), "../etc"));
      assertThrows(NotFoundException.class,
          () -> store.collections().create(CollectionKey.of(TenantId.of("ghost"), "docs"), SettingsJson.empty()));
    }

    @Test
    void deletingACollectionDeletesItsDocumentsAndKeepsItsJobsWithTheirCounts() {
      TenantId acme = tenant("acme");
      CollectionKey docs = collection(acme, "docs");
      IngestionJob job = store.jobs().create(docs);
      DocumentRecord d1 = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "d1"), "h").inJob(job.id())).document();
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d2"), "h").inJob(job.id()));
      store.documents().advance(d1.key(), d1.revision(), DocumentState.INDEXED);
      clock.advance(Duration.ofSeconds(5));
      store.collections().delete(docs);
      assertEquals(Optional.empty(), store.documents().find(DocumentKey.of(docs, "d1")));

      IngestionJob kept = store.jobs().find(acme, job.id()).orElseThrow();
      assertEquals(Optional.of(T0.plusSeconds(5)), kept.collectionDeletedAt());
      assertEquals(Optional.of(T0.plusSeconds(5)), kept.finishedAt());
      assertEquals(1, kept.counts().get(DocumentState.INDEXED), "counts as they were when the collection went");
      assertEquals(1, kept.counts().get(DocumentState.RECEIVED));
      assertEquals(2, kept.submitted());
      assertTrue(kept.done(), "nothing of it can still run");
      assertEquals(List.of(job.id()), store.jobs().list(acme, PageRequest.first(10)).items().stream()
          .map(IngestionJob::id).toList());

      collection(acme, "docs");
      assertEquals(0, store.documents().counts(docs).total(), "a recreated collection starts empty");
      IngestionJob next = store.jobs().create(docs);
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d1"), "h").inJob(next.id()));
      assertEquals(kept, store.jobs().find(acme, job.id()).orElseThrow(), "the old job is not the new one");
      assertEquals(Optional.empty(), store.jobs().find(acme, next.id()).orElseThrow().collectionDeletedAt());
    }

    @Test
    void finishedJobsAreDeletedOnceOlderThanTheRetentionAndRunningOnesAreKept() {
      TenantId acme = tenant("acme");
      CollectionKey docs = collection(acme, "docs");
      IngestionJob old = store.jobs().create(docs);
      DocumentRecord d1 = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "d1"), "h").inJob(old.id())).document();
      store.documents().advance(d1.key(), d1.revision(), DocumentState.INDEXED);
      store.jobs().finish(acme, old.id());
      IngestionJob running = store.jobs().create(docs);
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d2"), "h").inJob(running.id()));
      IngestionJob dropped = store.jobs().create(collection(acme, "gone"));
      store.collections().delete(CollectionKey.of(acme, "gone"));
      clock.advance(Duration.ofDays(3));
      IngestionJob young = store.jobs().create(docs);
      store.jobs().finish(acme, young.id());

      clock.advance(Duration.ofDays(5));
      assertEquals(2, store.jobs().deleteFinishedOlderThan(Duration.ofDays(7), 100));
      assertEquals(Optional.empty(), store.jobs().find(acme, old.id()));
      assertEquals(Optional.empty(), store.jobs().find(acme, dropped.id()));
      assertTrue(store.jobs().find(acme, running.id()).isPresent(), "a running job is kept whatever its age");
      assertTrue(store.jobs().find(acme, young.id()).isPresent(), "finished 5 days ago: kept");
      assertEquals(Optional.empty(), store.documents().find(d1.key()).orElseThrow().jobId(),
          "a document names no job that is gone");
      assertEquals(0, store.jobs().deleteFinishedOlderThan(Duration.ofDays(7), 100));
    }
  }

  // ---- documents --------------------------------------------------------------------------------

  @Nested
  class Documents {

    TenantId acme;
    CollectionKey docs;

    @BeforeEach
    void collection() {
      acme = tenant("acme");
      docs = StoreContract.this.collection(acme, "docs");
    }

    @Test
    void aNewDocumentIsReceivedAtVersionOneAndDueNow() {
      SubmitOutcome out = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "d1"), "h1").expiringAt(T0.plusSeconds(3600)));
      assertTrue(out.changed());
      DocumentRecord d = out.document();
      assertEquals(1, d.version());
      assertEquals(DocumentState.RECEIVED, d.state());
      assertEquals(0, d.attempts());
      assertEquals(Optional.of(T0), d.nextAttemptAt());
      assertEquals(Optional.of(T0.plusSeconds(3600)), d.expiresAt());
      assertEquals(Optional.of(d), store.documents().find(d.key()));
    }

    @Test
    void theVersionMovesOnlyWithClientChangesAndTheRevisionWithEveryChange() {
      DocumentKey key = DocumentKey.of(docs, "d1");
      SubmitOutcome created = store.documents().submit(DocumentSubmission.of(key, "h1"));
      assertTrue(created.created());
      DocumentRecord d = store.documents().claimDue(docs, 10, Duration.ofMinutes(1)).getFirst();
      d = store.documents().advance(key, d.revision(), DocumentState.PARSED);
      d = store.documents().fail(key, d.revision(), "timeout", Optional.of(Duration.ofSeconds(1)));
      d = store.documents().advance(key, d.revision(), DocumentState.INDEXED);
      assertEquals(1, d.version(), "ingestion is no client change");
      assertEquals(5, d.revision());

      SubmitOutcome same = store.documents().submit(DocumentSubmission.of(key, "h1").ifVersion(1));
      assertFalse(same.changed());
      assertFalse(same.created());
      assertEquals(1, same.document().version(), "If-Match with the version read at creation still holds");
      SubmitOutcome expiring = store.documents().submit(DocumentSubmission.of(key, "h1").expiringAt(T0.plusSeconds(60)));
      assertFalse(expiring.changed(), "a new expiry needs no indexing");
      assertEquals(2, expiring.document().version(), "but it is a client change");
      assertEquals(5, expiring.document().revision());
      SubmitOutcome replaced = store.documents().submit(
          DocumentSubmission.of(key, "h2").expiringAt(T0.plusSeconds(60)).ifVersion(2));
      assertTrue(replaced.changed());
      assertEquals(3, replaced.document().version());
      assertEquals(6, replaced.document().revision());

      DocumentRecord failed = store.documents().fail(key, replaced.document().revision(), "bad", Optional.empty());
      SubmitOutcome again = store.documents().submit(DocumentSubmission.of(key, "h2").expiringAt(T0.plusSeconds(60)));
      assertTrue(again.changed(), "a failed document sent again is processed again");
      assertEquals(3, again.document().version(), "with the same content it is the same version");
      assertEquals(failed.revision() + 1, again.document().revision());
      store.documents().fail(key, again.document().revision(), "bad again", Optional.empty());
      DocumentRecord retried = store.documents().retry(key);
      assertEquals(3, retried.version(), "a retry is no client change");
      assertEquals(again.document().revision() + 2, retried.revision());
    }

    @Test
    void unchangedContentCostsNothingAndChangedContentStartsOver() {
      DocumentKey key = DocumentKey.of(docs, "d1");
      DocumentRecord v1 = submit(docs, "d1", "h1");
      DocumentRecord indexed = store.documents().advance(key, v1.revision(), DocumentState.INDEXED);

      SubmitOutcome same = store.documents().submit(DocumentSubmission.of(key, "h1"));
      assertFalse(same.changed());
      assertEquals(indexed.version(), same.document().version());
      assertEquals(DocumentState.INDEXED, same.document().state());

      clock.advance(Duration.ofSeconds(1));
      SubmitOutcome changed = store.documents().submit(DocumentSubmission.of(key, "h2"));
      assertTrue(changed.changed());
      assertEquals(indexed.version() + 1, changed.document().version());
      assertEquals(DocumentState.RECEIVED, changed.document().state());
      assertEquals("h2", changed.document().contentHash());
      assertEquals(Optional.of(T0.plusSeconds(1)), changed.document().nextAttemptAt());
      assertEquals(T0, changed.document().createdAt());
    }

    @Test
    void staleVersionsAreConflicts() {
      DocumentKey key = DocumentKey.of(docs, "d1");
      assertThrows(ConflictException.class,
          () -> store.documents().submit(DocumentSubmission.of(key, "h").ifVersion(3)), "If-Match on a missing doc");
      DocumentRecord v1 = store.documents().submit(DocumentSubmission.of(key, "h").ifVersion(0)).document();
      assertThrows(ConflictException.class,
          () -> store.documents().submit(DocumentSubmission.of(key, "h2").ifVersion(0)), "must not exist yet");
      DocumentRecord v2 = store.documents().submit(DocumentSubmission.of(key, "h2").ifVersion(v1.version())).document();
      assertEquals(2, v2.version());

      ConflictException e = assertThrows(ConflictException.class,
          () -> store.documents().advance(key, v1.revision(), DocumentState.PARSED));
      assertEquals("document 'd1' is at revision 2, not the expected 1: it changed since it was read", e.getMessage());
      assertThrows(ConflictException.class, () -> store.documents().delete(key, OptionalLong.of(v1.version())));
      assertTrue(store.documents().find(key).isPresent(), "a refused delete deletes nothing");
      assertTrue(store.documents().delete(key, OptionalLong.of(v2.version())));
      assertFalse(store.documents().delete(key, OptionalLong.empty()));
    }

    @Test
    void ofConcurrentWritersHoldingOneVersionExactlyOneWins() throws InterruptedException {
      DocumentRecord v1 = submit(docs, "d1", "h1");
      List<Object> results = race(6, () -> store.documents().advance(v1.key(), v1.revision(), DocumentState.PARSED));
      long won = results.stream().filter(DocumentRecord.class::isInstance).count();
      long conflicts = results.stream().filter(ConflictException.class::isInstance).count();
      assertEquals(1, won, () -> "results: " + results);
      assertEquals(5, conflicts, () -> "results: " + results);
      assertEquals(2, store.documents().find(v1.key()).orElseThrow().revision());
    }

    @Test
    void stagesOnlyMoveForward() {
      DocumentRecord d = submit(docs, "d1", "h1");
      DocumentRecord parsed = store.documents().advance(d.key(), d.revision(), DocumentState.PARSED);
      assertEquals(DocumentState.PARSED, parsed.state());
      ConflictException back = assertThrows(ConflictException.class,
          () -> store.documents().advance(d.key(), parsed.revision(), DocumentState.RECEIVED));
      assertEquals("cannot move document 'd1' from parsed to received", back.getMessage());
      assertThrows(ConflictException.class,
          () -> store.documents().advance(d.key(), parsed.revision(), DocumentState.FAILED));
      DocumentRecord indexed = store.documents().advance(d.key(), parsed.revision(), DocumentState.INDEXED);
      assertEquals(Optional.empty(), indexed.nextAttemptAt(), "an indexed document is not due");
      assertThrows(ConflictException.class,
          () -> store.documents().fail(d.key(), indexed.revision(), "late", Optional.empty()));
      assertThrows(NotFoundException.class,
          () -> store.documents().advance(DocumentKey.of(docs, "ghost"), 1, DocumentState.PARSED));
    }

    @Test
    void failuresBackOffOrFailAndFailedDocumentsCanBeRetried() {
      DocumentRecord d = submit(docs, "d1", "h1");
      DocumentRecord backedOff = store.documents().fail(d.key(), d.revision(), "embedder timed out",
          Optional.of(Duration.ofSeconds(30)));
      assertEquals(DocumentState.RECEIVED, backedOff.state(), "a transient failure keeps the stage");
      assertEquals(Optional.of("embedder timed out"), backedOff.failureReason());
      assertEquals(Optional.of(T0.plusSeconds(30)), backedOff.nextAttemptAt());

      DocumentRecord failed = store.documents().fail(d.key(), backedOff.revision(), "x".repeat(5000), Optional.empty());
      assertEquals(DocumentState.FAILED, failed.state());
      assertEquals(Optional.empty(), failed.nextAttemptAt());
      assertEquals(2000, failed.failureReason().orElseThrow().length(), "long reasons are cut");

      DocumentRecord retried = store.documents().retry(d.key());
      assertEquals(DocumentState.RECEIVED, retried.state());
      assertEquals(0, retried.attempts());
      assertEquals(Optional.empty(), retried.failureReason());
      assertEquals(Optional.of(T0), retried.nextAttemptAt());
      assertThrows(ConflictException.class, () -> store.documents().retry(d.key()), "only failed documents");

      DocumentRecord e1 = submit(docs, "e1", "h");
      DocumentRecord e2 = submit(docs, "e2", "h");
      store.documents().fail(e1.key(), e1.revision(), "bad pdf", Optional.empty());
      store.documents().fail(e2.key(), e2.revision(), "bad pdf", Optional.empty());
      assertEquals(2, store.documents().retryFailed(docs));
      assertEquals(0, store.documents().counts(docs).get(DocumentState.FAILED));
    }

    @Test
    void listingPagesByStateInIdOrderAndCountsPerState() {
      for (int i = 0; i < 25; i++) {
        DocumentRecord d = submit(docs, String.format("doc-%03d", i), "h" + i);
        if (i % 5 == 0) {
          store.documents().fail(d.key(), d.revision(), "broken " + i, Optional.empty());
        } else if (i % 2 == 0) {
          store.documents().advance(d.key(), d.revision(), DocumentState.INDEXED);
        }
      }
      List<String> seen = new ArrayList<>();
      PageRequest request = PageRequest.first(10);
      Page<DocumentRecord> page;
      int pages = 0;
      do {
        page = store.documents().list(docs, Optional.empty(), request);
        seen.addAll(ids(page.items()));
        pages++;
        if (page.next().isPresent()) {
          request = request.next(page);
        }
      } while (page.next().isPresent());
      assertEquals(3, pages);
      assertEquals(25, seen.size());
      assertEquals(seen.stream().sorted().toList(), seen, "id order");
      assertEquals(25, new HashSet<>(seen).size(), "no document twice");

      Page<DocumentRecord> failed = store.documents().list(docs, Optional.of(DocumentState.FAILED), PageRequest.first(100));
      assertEquals(List.of("doc-000", "doc-005", "doc-010", "doc-015", "doc-020"), ids(failed.items()));
      assertEquals(Optional.empty(), failed.next());

      StateCounts counts = store.documents().counts(docs);
      assertEquals(5, counts.get(DocumentState.FAILED));
      assertEquals(10, counts.get(DocumentState.INDEXED));
      assertEquals(10, counts.get(DocumentState.RECEIVED));
      assertEquals(0, counts.get(DocumentState.EMBEDDED));
      assertEquals(25, counts.total());
      assertEquals(10, counts.pending());
    }

    @Test
    void submittingNeedsTheCollectionAndAJobOfIt() {
      assertThrows(NotFoundException.class, () -> submit(CollectionKey.of(acme, "ghost"), "d1", "h"));
      CollectionKey other = StoreContract.this.collection(acme, "other");
      IngestionJob job = store.jobs().create(other);
      assertThrows(InvalidInputException.class,
          () -> store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d1"), "h").inJob(job.id())));
      assertThrows(NotFoundException.class,
          () -> store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d1"), "h").inJob("nope")));
      assertEquals(0, store.documents().counts(docs).total(), "refused submissions store nothing");
    }

    @Test
    void expiredDocumentsAreListedForDeletionAndNotClaimed() {
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "short"), "h").expiringAt(T0.plusSeconds(10)));
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "long"), "h").expiringAt(T0.plusSeconds(100)));
      submit(docs, "forever", "h");
      assertEquals(List.of(), store.documents().expired(10));
      clock.advance(Duration.ofSeconds(10));
      assertEquals(List.of("short"), ids(store.documents().expired(10)));
      assertEquals(List.of("forever", "long"), ids(store.documents().claimDue(docs, 10, Duration.ofMinutes(1))));
    }

    @Test
    void contentIsKeptWithTheDocumentReplacedWhenItChangesAndDeletedWithIt() {
      DocumentKey key = DocumentKey.of(docs, "d1");
      byte[] pdf = {0x25, 0x50, 0x44, 0x46, 0, (byte) 0xff};
      store.documents().submit(DocumentSubmission.of(key, "h1")
          .withContent(new DocumentContent("application/pdf", Optional.of("a.pdf"), pdf)));
      DocumentContent stored = store.documents().content(key).orElseThrow();
      assertEquals("application/pdf", stored.mediaType());
      assertEquals(Optional.of("a.pdf"), stored.fileName());
      assertArrayEquals(pdf, stored.body());

      // unchanged content: nothing rewritten; changed content replaces the stored bytes
      store.documents().submit(DocumentSubmission.of(key, "h1").withContent(DocumentContent.of("text/plain", new byte[] {1})));
      assertArrayEquals(pdf, store.documents().content(key).orElseThrow().body());
      store.documents().submit(DocumentSubmission.of(key, "h2").withContent(DocumentContent.of("text/plain", new byte[] {7})));
      assertArrayEquals(new byte[] {7}, store.documents().content(key).orElseThrow().body());
      assertEquals("text/plain", store.documents().content(key).orElseThrow().mediaType());

      assertTrue(store.documents().delete(key, OptionalLong.empty()));
      assertEquals(Optional.empty(), store.documents().content(key));
    }

    @Test
    void contentBytesAreTheStoredContentOfTheCollectionOnly() {
      assertEquals(0, store.documents().contentBytes(docs));
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "a"), "ha")
          .withContent(DocumentContent.of("text/plain", new byte[1000])));
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "b"), "hb")
          .withContent(DocumentContent.of("text/plain", new byte[24])));
      submit(docs, "no-content", "h");
      assertEquals(1024, store.documents().contentBytes(docs));

      CollectionKey other = StoreContract.this.collection(acme, "other");
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(other, "a"), "ha")
          .withContent(DocumentContent.of("text/plain", new byte[7])));
      CollectionKey rivals = StoreContract.this.collection(tenant("rival"), "docs");
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(rivals, "a"), "ha")
          .withContent(DocumentContent.of("text/plain", new byte[5])));
      assertEquals(1024, store.documents().contentBytes(docs), "other collections and tenants are not counted");

      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "a"), "ha2")
          .withContent(DocumentContent.of("text/plain", new byte[10])));
      assertEquals(34, store.documents().contentBytes(docs), "replaced content counts at its new size");
      assertTrue(store.documents().delete(DocumentKey.of(docs, "b"), OptionalLong.empty()));
      assertEquals(10, store.documents().contentBytes(docs), "deleted content is gone");
    }

    @Test
    void aBatchIsRecordedWhollyOrNotAtAll() {
      String job = store.jobs().create(docs).id();
      List<DocumentSubmission> batch = List.of(
          DocumentSubmission.of(DocumentKey.of(docs, "a"), "ha").inJob(job)
              .withContent(DocumentContent.of("application/json", "{}".getBytes(StandardCharsets.UTF_8))),
          DocumentSubmission.of(DocumentKey.of(docs, "b"), "hb").inJob(job));
      List<SubmitOutcome> outcomes = store.documents().submitAll(batch);
      assertEquals(List.of("a", "b"), outcomes.stream().map(o -> o.document().key().id()).toList());
      assertEquals(2, store.jobs().find(acme, job).orElseThrow().submitted());

      // "c" is fine but "a" is expected not to exist: nothing of the batch is recorded
      List<DocumentSubmission> bad = List.of(
          DocumentSubmission.of(DocumentKey.of(docs, "c"), "hc").inJob(job),
          DocumentSubmission.of(DocumentKey.of(docs, "a"), "ha2").inJob(job).ifVersion(0));
      assertThrows(ConflictException.class, () -> store.documents().submitAll(bad));
      assertEquals(Optional.empty(), store.documents().find(DocumentKey.of(docs, "c")));
      assertEquals("ha", store.documents().find(DocumentKey.of(docs, "a")).orElseThrow().contentHash());
      assertEquals(2, store.jobs().find(acme, job).orElseThrow().submitted());

      InvalidInputException twice = assertThrows(InvalidInputException.class, () -> store.documents().submitAll(List.of(
          DocumentSubmission.of(DocumentKey.of(docs, "x"), "h"), DocumentSubmission.of(DocumentKey.of(docs, "x"), "h"))));
      assertTrue(twice.getMessage().contains("'x'"), twice.getMessage());
    }

    @Test
    void advancingABatchMovesOnlyDocumentsAtTheirExpectedVersionAndBeforeTheState() {
      DocumentRecord a = submit(docs, "a", "h");
      DocumentRecord b = submit(docs, "b", "h");
      DocumentRecord c = submit(docs, "c", "h");
      DocumentRecord parsedC = store.documents().advance(c.key(), c.revision(), DocumentState.EMBEDDED);
      java.util.Map<DocumentKey, Long> expected = new java.util.LinkedHashMap<>();
      expected.put(a.key(), a.revision());
      expected.put(b.key(), b.revision() + 7); // stale
      expected.put(c.key(), parsedC.revision()); // already past chunked
      expected.put(DocumentKey.of(docs, "missing"), 1L);
      java.util.Map<DocumentKey, DocumentRecord> moved = store.documents().advanceAll(expected, DocumentState.CHUNKED);
      assertEquals(List.of(a.key()), List.copyOf(moved.keySet()));
      assertEquals(DocumentState.CHUNKED, moved.get(a.key()).state());
      assertEquals(a.revision() + 1, moved.get(a.key()).revision());
      assertEquals(DocumentState.RECEIVED, store.documents().find(b.key()).orElseThrow().state());
      assertEquals(DocumentState.EMBEDDED, store.documents().find(c.key()).orElseThrow().state());
      assertThrows(ConflictException.class, () -> store.documents().advanceAll(expected, DocumentState.FAILED));
    }

    @Test
    void releasingClaimsMakesClaimedDocumentsDueAgainButNotFinishedOnes() {
      DocumentRecord claimed = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "claimed"), "h").claimedFor(Duration.ofMinutes(5))).document();
      DocumentRecord done = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "done"), "h").claimedFor(Duration.ofMinutes(5))).document();
      store.documents().advance(done.key(), done.revision(), DocumentState.INDEXED);
      assertEquals(List.of(), store.documents().claimDue(docs, 10, Duration.ofMinutes(1)));
      assertEquals(1, store.documents().releaseClaims());
      assertEquals(List.of("claimed"), ids(store.documents().claimDue(docs, 10, Duration.ofMinutes(1))));
      assertEquals(2, store.documents().find(claimed.key()).orElseThrow().attempts());
    }

    @Test
    void aClaimedSubmissionIsNotDueForWorkersUntilItsLeaseLapses() {
      DocumentRecord d = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "sync"), "h").claimedFor(Duration.ofSeconds(30))).document();
      assertEquals(1, d.attempts());
      assertEquals(Optional.of(T0.plusSeconds(30)), d.nextAttemptAt());
      assertEquals(List.of(), store.documents().claimDue(docs, 10, Duration.ofMinutes(1)));
      // the submitter advances it with the version it got back
      store.documents().advance(d.key(), d.revision(), DocumentState.INDEXED);
      clock.advance(Duration.ofSeconds(31));
      assertEquals(List.of(), store.documents().claimDue(docs, 10, Duration.ofMinutes(1)));

      DocumentRecord crashed = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(docs, "crashed"), "h").claimedFor(Duration.ofSeconds(30))).document();
      clock.advance(Duration.ofSeconds(31));
      assertEquals(List.of("crashed"), ids(store.documents().claimDue(docs, 10, Duration.ofMinutes(1))));
      assertEquals(2, store.documents().find(crashed.key()).orElseThrow().attempts());
    }
  }

  // ---- claiming due work ------------------------------------------------------------------------

  @Nested
  class Claiming {

    TenantId acme;
    CollectionKey docs;

    @BeforeEach
    void collection() {
      acme = tenant("acme");
      docs = StoreContract.this.collection(acme, "docs");
    }

    @Test
    void claimsLeaseDueDocumentsAndFailuresBackOff() {
      RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(15), 2.0);
      for (String id : List.of("a", "b", "c")) {
        submit(docs, id, "h");
      }
      List<DocumentRecord> first = store.documents().claimDue(docs, 10, Duration.ofSeconds(60));
      assertEquals(List.of("a", "b", "c"), ids(first));
      for (DocumentRecord d : first) {
        assertEquals(1, d.attempts());
        assertEquals(2, d.revision(), "a claim bumps the revision, fencing out earlier holders");
        assertEquals(1, d.version(), "a claim is no client change");
        assertEquals(Optional.of(T0.plusSeconds(60)), d.nextAttemptAt());
      }
      assertEquals(List.of(), store.documents().claimDue(docs, 10, Duration.ofSeconds(60)), "leased work is not due");

      DocumentRecord a = first.get(0);
      DocumentRecord b = first.get(1);
      store.documents().fail(a.key(), a.revision(), "timeout", policy.delayAfter(a.attempts()));
      store.documents().advance(b.key(), b.revision(), DocumentState.INDEXED);

      clock.advance(Duration.ofSeconds(9));
      assertEquals(List.of(), store.documents().claimDue(docs, 10, Duration.ofSeconds(60)));
      clock.advance(Duration.ofSeconds(1));
      List<DocumentRecord> retry = store.documents().claimDue(docs, 10, Duration.ofSeconds(60));
      assertEquals(List.of("a"), ids(retry), "due again after the backoff");
      assertEquals(2, retry.getFirst().attempts());
      assertEquals(Optional.of("timeout"), retry.getFirst().failureReason());

      DocumentRecord a2 = retry.getFirst();
      DocumentRecord a3 = store.documents().fail(a2.key(), a2.revision(), "timeout", policy.delayAfter(a2.attempts()));
      assertEquals(Optional.of(T0.plusSeconds(10 + 15)), a3.nextAttemptAt(), "the delay is capped at 15 s");

      clock.advance(Duration.ofSeconds(50));
      List<DocumentRecord> lapsed = store.documents().claimDue(docs, 10, Duration.ofSeconds(60));
      assertEquals(List.of("a", "c"), ids(lapsed), "c's lease lapsed: it is due again");
      DocumentRecord a4 = lapsed.getFirst();
      assertEquals(3, a4.attempts());
      assertEquals(Optional.empty(), policy.delayAfter(a4.attempts()));
      DocumentRecord gaveUp = store.documents().fail(a4.key(), a4.revision(), "timeout", policy.delayAfter(a4.attempts()));
      assertEquals(DocumentState.FAILED, gaveUp.state());
    }

    @Test
    void aWorkerWhoseLeaseLapsedCannotWriteAnyMore() {
      submit(docs, "a", "h");
      DocumentRecord mine = store.documents().claimDue(docs, 1, Duration.ofSeconds(30)).getFirst();
      DocumentRecord parsed = store.documents().advance(mine.key(), mine.revision(), DocumentState.PARSED);
      assertEquals(mine.nextAttemptAt(), parsed.nextAttemptAt(), "advancing keeps the lease");
      clock.advance(Duration.ofSeconds(30));
      DocumentRecord theirs = store.documents().claimDue(docs, 1, Duration.ofSeconds(30)).getFirst();
      assertEquals(DocumentState.PARSED, theirs.state(), "work resumes from the last persisted stage");
      assertThrows(ConflictException.class,
          () -> store.documents().advance(parsed.key(), parsed.revision(), DocumentState.CHUNKED));
      assertEquals(DocumentState.CHUNKED,
          store.documents().advance(theirs.key(), theirs.revision(), DocumentState.CHUNKED).state());
    }

    @Test
    void theQueueCountsEveryTenantByStateAndWhatAWorkerCouldClaimNow() {
      assertEquals(new QueueCounts(new StateCounts(Map.of()), 0), store.documents().queue());
      CollectionKey betaDocs = StoreContract.this.collection(tenant("beta"), "docs");
      for (String id : List.of("leased", "backing-off", "indexed", "failed")) {
        submit(docs, id, "h");
      }
      List<DocumentRecord> claimed = store.documents().claimDue(docs, 10, Duration.ofSeconds(60));
      DocumentRecord backingOff = claimed.stream().filter(d -> d.key().id().equals("backing-off")).findFirst().orElseThrow();
      store.documents().fail(backingOff.key(), backingOff.revision(), "timeout", Optional.of(Duration.ofSeconds(30)));
      DocumentRecord indexed = claimed.stream().filter(d -> d.key().id().equals("indexed")).findFirst().orElseThrow();
      store.documents().advance(indexed.key(), indexed.revision(), DocumentState.INDEXED);
      DocumentRecord failed = claimed.stream().filter(d -> d.key().id().equals("failed")).findFirst().orElseThrow();
      store.documents().fail(failed.key(), failed.revision(), "bad pdf", Optional.empty());
      submit(betaDocs, "due", "h");
      DocumentRecord parsed = store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(betaDocs, "parsed"), "h").claimedFor(Duration.ofSeconds(60))).document();
      store.documents().advance(parsed.key(), parsed.revision(), DocumentState.PARSED);
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(betaDocs, "expired"), "h").expiringAt(T0.plusSeconds(1)));

      clock.advance(Duration.ofSeconds(1));
      QueueCounts q = store.documents().queue();
      assertEquals(4, q.states().get(DocumentState.RECEIVED), "leased, backing-off, due, expired, across tenants");
      assertEquals(1, q.states().get(DocumentState.PARSED));
      assertEquals(1, q.states().get(DocumentState.INDEXED));
      assertEquals(1, q.states().get(DocumentState.FAILED));
      assertEquals(5, q.states().pending());
      assertEquals(1, q.due(), "only 'due': the others are leased, backing off or expired");
      assertEquals(Optional.of(betaDocs.tenant()), store.documents().nextTenantDue(Optional.empty()));
      assertEquals(List.of("due"), ids(new ClaimTurns(store.documents()).claim(10, Duration.ofSeconds(120))),
          "due is what a worker claims");

      clock.advance(Duration.ofSeconds(60));
      assertEquals(3, store.documents().queue().due(), "the lapsed leases and the backoff are due again");
      assertEquals(2, store.documents().claimDue(docs, 10, Duration.ofSeconds(60)).size());
      assertEquals(1, store.documents().claimDue(betaDocs, 10, Duration.ofSeconds(60)).size());
    }

    @Test
    void aClaimTakesOneCollectionsOldestDueDocumentsFirst() {
      CollectionKey other = StoreContract.this.collection(acme, "other");
      submit(docs, "late", "h");
      clock.advance(Duration.ofSeconds(-5));
      submit(docs, "early", "h");
      submit(other, "elsewhere", "h");
      clock.advance(Duration.ofSeconds(5));
      assertEquals(List.of("early"), ids(store.documents().claimDue(docs, 1, Duration.ofSeconds(30))));
      assertEquals(List.of("late"), ids(store.documents().claimDue(docs, 5, Duration.ofSeconds(30))));
      assertEquals(List.of("elsewhere"), ids(store.documents().claimDue(other, 5, Duration.ofSeconds(30))));
      assertThrows(InvalidInputException.class, () -> store.documents().claimDue(docs, 0, Duration.ofSeconds(1)));
      assertThrows(InvalidInputException.class, () -> store.documents().claimDue(docs, 1, Duration.ZERO));
    }

    @Test
    void turnsGoRoundTheTenantsWithDueWorkThenRoundEachTenantsCollections() {
      CollectionKey more = StoreContract.this.collection(acme, "more");
      CollectionKey betaDocs = StoreContract.this.collection(tenant("beta"), "docs");
      CollectionKey gammaDocs = StoreContract.this.collection(tenant("gamma"), "docs");
      submit(docs, "a1", "h");
      submit(more, "m1", "h");
      submit(betaDocs, "b1", "h");
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(gammaDocs, "leased"), "h").claimedFor(Duration.ofMinutes(1)));
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(gammaDocs, "gone"), "h").expiringAt(T0));
      TenantId beta = betaDocs.tenant();

      assertEquals(Optional.of(acme), store.documents().nextTenantDue(Optional.empty()));
      assertEquals(Optional.of(beta), store.documents().nextTenantDue(Optional.of(acme)));
      assertEquals(Optional.of(acme), store.documents().nextTenantDue(Optional.of(beta)),
          "gamma has nothing due (leased, expired): the turn wraps around to acme");
      assertEquals(Optional.of("docs"), store.documents().nextCollectionDue(acme, Optional.empty()));
      assertEquals(Optional.of("more"), store.documents().nextCollectionDue(acme, Optional.of("docs")));
      assertEquals(Optional.of("docs"), store.documents().nextCollectionDue(acme, Optional.of("more")));
      assertEquals(Optional.of("docs"), store.documents().nextCollectionDue(beta, Optional.of("docs")), "its only one");
      assertEquals(Optional.empty(), store.documents().nextCollectionDue(gammaDocs.tenant(), Optional.empty()));

      // a worker taking turns: acme/docs, beta/docs, acme/more, then nothing is due
      ClaimTurns turns = new ClaimTurns(store.documents());
      List<String> order = new ArrayList<>();
      for (List<DocumentRecord> claimed = turns.claim(10, Duration.ofMinutes(1)); !claimed.isEmpty();
          claimed = turns.claim(10, Duration.ofMinutes(1))) {
        claimed.forEach(d -> order.add(d.key().id()));
      }
      assertEquals(List.of("a1", "b1", "m1"), order);
      assertEquals(Optional.empty(), store.documents().nextTenantDue(Optional.of(acme)));
    }

    @Test
    void aLargeJobOfOneTenantDelaysAnotherTenantsDocumentByAtMostOneBatch() {
      for (int i = 0; i < 100; i++) {
        submit(docs, String.format("bulk-%03d", i), "h");
      }
      ClaimTurns turns = new ClaimTurns(store.documents());
      assertEquals(10, turns.claim(10, Duration.ofMinutes(1)).size(), "acme's first batch");
      clock.advance(Duration.ofSeconds(1));
      CollectionKey late = StoreContract.this.collection(tenant("aaa-late"), "docs");
      submit(late, "single", "h");
      assertEquals(List.of("single"), ids(turns.claim(10, Duration.ofMinutes(1))),
          "the next turn is the other tenant's, though acme's documents are older");
      assertEquals(10, turns.claim(10, Duration.ofMinutes(1)).size());
    }

    @Test
    void concurrentWorkersOnSeparateConnectionsClaimEveryDocumentOnce() throws InterruptedException {
      int perCollection = 30;
      List<CollectionKey> collections = new ArrayList<>(List.of(docs, StoreContract.this.collection(acme, "more")));
      for (String t : List.of("beta", "gamma")) {
        TenantId tenant = tenant(t);
        collections.add(StoreContract.this.collection(tenant, "docs"));
        collections.add(StoreContract.this.collection(tenant, "more"));
      }
      for (CollectionKey c : collections) {
        for (int i = 0; i < perCollection; i++) {
          submit(c, String.format("d%03d", i), "h");
        }
      }
      int total = collections.size() * perCollection;
      int workers = 4;
      List<Store> stores = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        stores.add(open(options)); // a worker each: its own connections, as separate processes would have
      }
      java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
      List<Object> results;
      try {
        results = race(workers, () -> {
          ClaimTurns turns = new ClaimTurns(stores.get(next.getAndIncrement()).documents());
          List<DocumentKey> mine = new ArrayList<>();
          while (true) {
            List<DocumentRecord> batch = turns.claim(7, Duration.ofMinutes(5));
            if (batch.isEmpty()) {
              return mine;
            }
            batch.forEach(d -> mine.add(d.key()));
          }
        });
      } finally {
        stores.forEach(Store::close);
      }
      List<DocumentKey> all = new ArrayList<>();
      for (Object r : results) {
        if (r instanceof Throwable t) {
          throw new AssertionError("a claimer failed", t);
        }
        @SuppressWarnings("unchecked")
        List<DocumentKey> keys = (List<DocumentKey>) r;
        all.addAll(keys);
      }
      assertEquals(total, new HashSet<>(all).size(), "none lost");
      assertEquals(total, all.size(), "none claimed twice");
      for (CollectionKey c : collections) {
        assertTrue(store.documents().list(c, Optional.empty(), PageRequest.first(1000)).items().stream()
            .allMatch(d -> d.attempts() == 1), "each claimed exactly once");
      }
      assertEquals(0, store.documents().queue().due());
    }
  }

  // ---- jobs -------------------------------------------------------------------------------------

  @Nested
  class Jobs {

    @Test
    void aJobCountsItsDocumentsByStateAndListsFailures() {
      TenantId acme = tenant("acme");
      CollectionKey docs = collection(acme, "docs");
      options = options.withIds(() -> "job-1");
      store.close();
      store = open(options);
      IngestionJob job = store.jobs().create(docs);
      assertEquals("job-1", job.id());
      assertEquals(0, job.submitted());
      assertTrue(job.done());

      List<DocumentRecord> submitted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        submitted.add(store.documents().submit(
            DocumentSubmission.of(DocumentKey.of(docs, "d" + i), "h").inJob(job.id())).document());
      }
      store.documents().advance(submitted.get(0).key(), submitted.get(0).revision(), DocumentState.INDEXED);
      store.documents().advance(submitted.get(1).key(), submitted.get(1).revision(), DocumentState.INDEXED);
      store.documents().advance(submitted.get(2).key(), submitted.get(2).revision(), DocumentState.EMBEDDED);
      store.documents().fail(submitted.get(3).key(), submitted.get(3).revision(), "unsupported format", Optional.empty());

      IngestionJob report = store.jobs().find(acme, job.id()).orElseThrow();
      assertEquals(5, report.submitted());
      assertEquals(2, report.counts().get(DocumentState.INDEXED));
      assertEquals(1, report.counts().get(DocumentState.EMBEDDED));
      assertEquals(1, report.counts().get(DocumentState.FAILED));
      assertEquals(1, report.counts().get(DocumentState.RECEIVED));
      assertEquals(1, report.failures().size());
      assertEquals("d3", report.failures().getFirst().documentId());
      assertEquals("unsupported format", report.failures().getFirst().reason());
      assertFalse(report.done());
      assertEquals(Optional.empty(), report.finishedAt());

      options = options.withIds(() -> "job-2");
      store.close();
      store = open(options);
      IngestionJob second = store.jobs().create(docs);
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(docs, "d4"), "h2").inJob(second.id()));
      IngestionJob after = store.jobs().find(acme, job.id()).orElseThrow();
      assertEquals(4, after.counts().total());
      assertEquals(1, after.superseded(), "d4 moved to the second job");

      clock.advance(Duration.ofSeconds(3));
      assertEquals(Optional.of(T0.plusSeconds(3)), store.jobs().finish(acme, job.id()).finishedAt());
      clock.advance(Duration.ofSeconds(3));
      assertEquals(Optional.of(T0.plusSeconds(3)), store.jobs().finish(acme, job.id()).finishedAt(),
          "finishing twice keeps the first time");
    }

    @Test
    void jobsAreListedNewestFirstInPages() {
      TenantId acme = tenant("acme");
      CollectionKey docs = collection(acme, "docs");
      List<String> created = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        created.addFirst(store.jobs().create(docs).id());
        if (i % 2 == 0) {
          clock.advance(Duration.ofSeconds(1)); // some jobs share a timestamp
        }
      }
      Page<IngestionJob> first = store.jobs().list(acme, PageRequest.first(3));
      Page<IngestionJob> second = store.jobs().list(acme, PageRequest.first(3).next(first));
      List<IngestionJob> all = new ArrayList<>(first.items());
      all.addAll(second.items());
      assertEquals(Optional.empty(), second.next());
      assertEquals(5, all.stream().map(IngestionJob::id).distinct().count());
      for (int i = 1; i < all.size(); i++) {
        assertFalse(all.get(i).createdAt().isAfter(all.get(i - 1).createdAt()), "newest first");
      }
      assertThrows(NotFoundException.class, () -> store.jobs().create(CollectionKey.of(acme, "ghost")));
    }
  }

  // ---- idempotency ------------------------------------------------------------------------------

  @Nested
  class Idempotency {

    TenantId acme;

    @BeforeEach
    void tenant() {
      acme = StoreContract.this.tenant("acme");
    }

    @Test
    void newThenInProgressThenReplay() {
      assertEquals(new IdempotencyOutcome.New(), store.idempotency().begin(acme, "k1", "hash-a"));
      assertEquals(new IdempotencyOutcome.InProgress(T0.plus(Duration.ofMinutes(1))),
          store.idempotency().begin(acme, "k1", "hash-a"));
      StoredResponse response = new StoredResponse(202, "{\"job\":\"j1\"}");
      store.idempotency().complete(acme, "k1", response);
      assertEquals(new IdempotencyOutcome.Replay(response), store.idempotency().begin(acme, "k1", "hash-a"));
      assertThrows(ConflictException.class, () -> store.idempotency().complete(acme, "k1", response));
      assertThrows(NotFoundException.class, () -> store.idempotency().complete(acme, "k2", response));
    }

    @Test
    void theSameKeyWithAnotherRequestIsAConflict() {
      store.idempotency().begin(acme, "k1", "hash-a");
      assertEquals(new IdempotencyOutcome.Conflict(), store.idempotency().begin(acme, "k1", "hash-b"));
      store.idempotency().complete(acme, "k1", new StoredResponse(200, "{}"));
      assertEquals(new IdempotencyOutcome.Conflict(), store.idempotency().begin(acme, "k1", "hash-b"));
    }

    @Test
    void aLapsedLeaseIsTakenOverAndAnAbandonedKeyRunsAnew() {
      store.idempotency().begin(acme, "crashed", "h");
      clock.advance(Duration.ofMinutes(1));
      assertEquals(new IdempotencyOutcome.New(), store.idempotency().begin(acme, "crashed", "h"),
          "the first holder died: its lease lapsed");
      assertEquals(new IdempotencyOutcome.InProgress(T0.plus(Duration.ofMinutes(2))),
          store.idempotency().begin(acme, "crashed", "h"));

      store.idempotency().begin(acme, "failed", "h");
      store.idempotency().abandon(acme, "failed");
      assertEquals(new IdempotencyOutcome.New(), store.idempotency().begin(acme, "failed", "h"));
    }

    @Test
    void expiredRecordsAreForgottenAndPurged() {
      store.idempotency().begin(acme, "old", "h");
      store.idempotency().complete(acme, "old", new StoredResponse(201, "{}"));
      store.idempotency().begin(acme, "other", "h");
      clock.advance(Duration.ofHours(1));
      assertEquals(new IdempotencyOutcome.New(), store.idempotency().begin(acme, "old", "another body"),
          "after the retention the key is free again");
      assertEquals(1, store.idempotency().purgeExpired(), "only 'other' was past its retention");
      assertEquals(new IdempotencyOutcome.New(), store.idempotency().begin(acme, "other", "h"));
    }

    @Test
    void racingRequestsWithOneKeyGetExactlyOneNew() throws InterruptedException {
      for (int round = 0; round < 5; round++) {
        String key = "race-" + round;
        List<Object> outcomes = race(8, () -> store.idempotency().begin(acme, key, "same-body"));
        long news = outcomes.stream().filter(IdempotencyOutcome.New.class::isInstance).count();
        long inProgress = outcomes.stream().filter(IdempotencyOutcome.InProgress.class::isInstance).count();
        assertEquals(1, news, () -> "outcomes: " + outcomes);
        assertEquals(7, inProgress, () -> "outcomes: " + outcomes);
      }
    }

    @Test
    void keysAreValidated() {
      assertThrows(InvalidInputException.class, () -> store.idempotency().begin(acme, "", "h"));
      assertThrows(InvalidInputException.class, () -> store.idempotency().begin(acme, "x".repeat(256), "h"));
      assertThrows(InvalidInputException.class, () -> store.idempotency().begin(acme, "tab\tkey", "h"));
      assertThrows(NotFoundException.class, () -> store.idempotency().begin(TenantId.of("ghost"), "k", "h"));
    }
  }

  // ---- erasures ---------------------------------------------------------------------------------

  @Nested
  class Erasures {

    @Test
    void statusMovesRequestedDeletedPurgedOneStepAtATime() {
      TenantId acme = tenant("acme");
      ErasureReceipt requested = store.erasures().request(acme, "user_id", "u-42");
      assertEquals(ErasureStatus.REQUESTED, requested.status());
      assertEquals(T0, requested.requestedAt());
      assertThrows(ConflictException.class, () -> store.erasures().markPurged(acme, requested.id()),
          "purged needs deleted first");

      clock.advance(Duration.ofSeconds(2));
      ErasureReceipt deleted = store.erasures().markDeleted(acme, requested.id(), 7);
      assertEquals(ErasureStatus.DELETED, deleted.status());
      assertEquals(7, deleted.documentsDeleted());
      assertEquals(Optional.of(T0.plusSeconds(2)), deleted.deletedAt());
      assertEquals(deleted, store.erasures().markDeleted(acme, requested.id(), 9), "repeating changes nothing");
      assertEquals(List.of(deleted), store.erasures().unfinished(10));

      clock.advance(Duration.ofSeconds(2));
      ErasureReceipt purged = store.erasures().markPurged(acme, requested.id());
      assertEquals(ErasureStatus.PURGED, purged.status());
      assertEquals(Optional.of(T0.plusSeconds(4)), purged.purgedAt());
      assertEquals(purged, store.erasures().markDeleted(acme, requested.id(), 1), "no going back");
      assertEquals(List.of(), store.erasures().unfinished(10));
      assertEquals(Optional.of(purged), store.erasures().find(acme, requested.id()));
      assertEquals(List.of(purged), store.erasures().list(acme));
    }

    @Test
    void purgingDeletedRowsFinishesAndSaysWhatItLeavesBehind() {
      CollectionKey docs = collection(tenant("acme"), "docs");
      DocumentKey key = DocumentKey.of(docs, "d1");
      store.documents().submit(DocumentSubmission.of(key, "h1")
          .withContent(DocumentContent.of("text/plain", "a subject's note".getBytes(StandardCharsets.UTF_8))));
      assertTrue(store.documents().delete(key, OptionalLong.empty()));
      assertTrue(store.purgeDeleted());
      assertTrue(store.purgeDeleted(), "nothing left to do");
      assertEquals(dialect() == Dialect.SQLITE ? DeletedRows.ERASED : DeletedRows.UNTIL_REUSED, store.deletedRows());
    }

    @Test
    void requestsNeedATenantAndAKeyAndValue() {
      assertThrows(NotFoundException.class, () -> store.erasures().request(TenantId.of("ghost"), "k", "v"));
      TenantId acme = tenant("acme");
      assertThrows(InvalidInputException.class, () -> store.erasures().request(acme, " ", "v"));
      assertThrows(NotFoundException.class, () -> store.erasures().markDeleted(acme, "nope", 0));
    }
  }

  // ---- usage ------------------------------------------------------------------------------------

  @Nested
  class Usage {

    static final LocalDate MAR1 = LocalDate.of(2026, 3, 1);
    static final LocalDate MAR2 = MAR1.plusDays(1);
    static final LocalDate MAR5 = MAR1.plusDays(4);

    TenantId acme;

    @BeforeEach
    void tenant() {
      acme = StoreContract.this.tenant("acme");
    }

    UsageDelta delta(LocalDate day, Meter meter, long amount) {
      return new UsageDelta(acme, day, meter, amount);
    }

    @Test
    void deltasAddUpPerDayAndMeterAndSurviveReopening() {
      store.usage().add(List.of(delta(MAR1, Meter.SEARCHES, 3), delta(MAR1, Meter.BYTES_UPLOADED, 1000),
          delta(MAR2, Meter.SEARCHES, 1)));
      store.usage().add(List.of(delta(MAR1, Meter.SEARCHES, 2), delta(MAR1, Meter.SEARCHES, 1)));
      store.close();
      store = open(options);
      List<DailyUsage> days = store.usage().days(acme, MAR1, MAR5);
      assertEquals(List.of(MAR1, MAR2), days.stream().map(DailyUsage::day).toList(), "days without counts are left out");
      assertEquals(6, days.get(0).get(Meter.SEARCHES));
      assertEquals(1000, days.get(0).get(Meter.BYTES_UPLOADED));
      assertEquals(0, days.get(0).get(Meter.DOCUMENTS_INDEXED));
      assertEquals(1, days.get(1).get(Meter.SEARCHES));
      store.usage().add(List.of());
    }

    @Test
    void aRangeIncludesBothEndsAndOnlyThem() {
      for (int i = 0; i < 5; i++) {
        store.usage().add(List.of(delta(MAR1.plusDays(i), Meter.DOCUMENTS_SUBMITTED, i + 1)));
      }
      assertEquals(List.of(MAR2, MAR2.plusDays(1)),
          store.usage().days(acme, MAR2, MAR2.plusDays(1)).stream().map(DailyUsage::day).toList());
      assertEquals(List.of(5L), store.usage().days(acme, MAR5, MAR5).stream().map(d -> d.get(Meter.DOCUMENTS_SUBMITTED)).toList());
      assertEquals(List.of(), store.usage().days(acme, MAR5.plusDays(1), MAR5.plusDays(30)));
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> store.usage().days(acme, MAR2, MAR1));
      assertEquals("from (2026-03-02) must not be after to (2026-03-01)", e.getMessage());
      assertThrows(InvalidInputException.class, () -> delta(LocalDate.of(10_000, 1, 1), Meter.SEARCHES, 1));
      assertThrows(InvalidInputException.class, () -> delta(MAR1, Meter.SEARCHES, 0));
    }

    @Test
    void deltasOfADeletedTenantAreDroppedAndTheOthersAdded() {
      TenantId gone = StoreContract.this.tenant("gone");
      store.tenants().delete(gone);
      store.usage().add(List.of(new UsageDelta(gone, MAR1, Meter.SEARCHES, 5), delta(MAR1, Meter.SEARCHES, 2)));
      assertEquals(2, store.usage().days(acme, MAR1, MAR1).getFirst().get(Meter.SEARCHES));
      assertEquals(List.of(), store.usage().days(gone, MAR1, MAR1));
    }

    @Test
    void concurrentAddersLoseNothing() throws InterruptedException {
      int threads = 4;
      int rounds = 25;
      List<Object> results = race(threads, () -> {
        for (int i = 0; i < rounds; i++) {
          store.usage().add(List.of(delta(MAR1, Meter.SEARCHES, 1), delta(MAR1, Meter.DOCUMENTS_INDEXED, 2)));
        }
        return true;
      });
      for (Object r : results) {
        if (r instanceof Throwable t) {
          throw new AssertionError("an adder failed", t);
        }
      }
      DailyUsage day = store.usage().days(acme, MAR1, MAR1).getFirst();
      assertEquals(threads * rounds, day.get(Meter.SEARCHES));
      assertEquals(2L * threads * rounds, day.get(Meter.DOCUMENTS_INDEXED));
    }

    @Test
    void aMeterWrittenByANewerVersionIsLeftOut() throws SQLException {
      store.usage().add(List.of(delta(MAR1, Meter.SEARCHES, 1)));
      try (Connection c = rawConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO usage_counters (tenant_id, day, meter, value) VALUES ('acme', '2026-03-01', 'gpu_seconds', 9)");
        s.execute("INSERT INTO usage_counters (tenant_id, day, meter, value) VALUES ('acme', '2026-03-02', 'gpu_seconds', 9)");
      }
      List<DailyUsage> days = store.usage().days(acme, MAR1, MAR5);
      assertEquals(1, days.size(), days.toString());
      assertEquals(new DailyUsage(MAR1, Map.of(Meter.SEARCHES, 1L)), days.getFirst());
    }
  }

  // ---- tenant isolation -------------------------------------------------------------------------

  @Nested
  class TenantIsolation {

    @Test
    void anotherTenantsIdsFindNothingAndChangeNothing() {
      TenantId acme = tenant("acme");
      TenantId rival = tenant("rival");
      CollectionKey acmeDocs = collection(acme, "docs");
      CollectionKey rivalDocs = collection(rival, "docs"); // same name, other tenant
      IssuedKey acmeKey = store.apiKeys().create(acme, Set.of(Scope.SEARCH), Optional.empty());
      DocumentRecord secret = submit(acmeDocs, "secret", "h-acme");
      IngestionJob acmeJob = store.jobs().create(acmeDocs);
      store.documents().submit(DocumentSubmission.of(DocumentKey.of(acmeDocs, "in-job"), "h").inJob(acmeJob.id()));
      store.documents().fail(secret.key(), secret.revision(), "acme's reason", Optional.empty());
      store.idempotency().begin(acme, "idem", "acme-body");
      StoredResponse acmeResponse = new StoredResponse(201, "{\"acme\":true}");
      store.idempotency().complete(acme, "idem", acmeResponse);
      ErasureReceipt acmeErasure = store.erasures().request(acme, "user", "alice");
      LocalDate day = LocalDate.of(2026, 3, 1);
      store.usage().add(List.of(new UsageDelta(acme, day, Meter.SEARCHES, 7)));

      // keys
      assertEquals(Optional.empty(), store.apiKeys().find(rival, acmeKey.key().id()));
      assertEquals(List.of(), store.apiKeys().list(rival));
      assertThrows(NotFoundException.class, () -> store.apiKeys().revoke(rival, acmeKey.key().id()));
      assertEquals(acme, store.apiKeys().authenticate(acmeKey.plaintext()).orElseThrow().tenant());

      // collections
      assertEquals(List.of("docs"), store.collections().list(rival).stream().map(c -> c.key().name()).toList());
      assertEquals(rival, store.collections().find(rivalDocs).orElseThrow().key().tenant());

      // documents
      DocumentKey rivalView = DocumentKey.of(rivalDocs, "secret");
      assertEquals(Optional.empty(), store.documents().find(rivalView));
      assertEquals(List.of(), store.documents().list(rivalDocs, Optional.empty(), PageRequest.first(100)).items());
      assertEquals(List.of(), store.documents().list(rivalDocs, Optional.of(DocumentState.FAILED), PageRequest.first(100)).items());
      assertEquals(0, store.documents().counts(rivalDocs).total());
      assertThrows(NotFoundException.class, () -> store.documents().advance(rivalView, 2, DocumentState.PARSED));
      assertThrows(NotFoundException.class, () -> store.documents().fail(rivalView, 2, "x", Optional.empty()));
      assertThrows(NotFoundException.class, () -> store.documents().retry(rivalView));
      assertEquals(0, store.documents().retryFailed(rivalDocs));
      assertFalse(store.documents().delete(rivalView, OptionalLong.empty()));
      assertThrows(NotFoundException.class, () -> store.documents().submit(
          DocumentSubmission.of(DocumentKey.of(rivalDocs, "x"), "h").inJob(acmeJob.id())), "another tenant's job");

      // a rival document with the same id is its own document
      DocumentRecord rivalOwn = submit(rivalDocs, "secret", "h-rival");
      assertEquals(1, rivalOwn.version());

      // jobs
      assertEquals(Optional.empty(), store.jobs().find(rival, acmeJob.id()));
      assertEquals(List.of(), store.jobs().list(rival, PageRequest.first(10)).items());
      assertThrows(NotFoundException.class, () -> store.jobs().finish(rival, acmeJob.id()));

      // idempotency: keys are per tenant
      assertEquals(new IdempotencyOutcome.New(), store.idempotency().begin(rival, "idem", "acme-body"));
      store.idempotency().abandon(rival, "idem");

      // erasures
      assertEquals(Optional.empty(), store.erasures().find(rival, acmeErasure.id()));
      assertEquals(List.of(), store.erasures().list(rival));
      assertThrows(NotFoundException.class, () -> store.erasures().markDeleted(rival, acmeErasure.id(), 1));
      assertThrows(NotFoundException.class, () -> store.erasures().markPurged(rival, acmeErasure.id()));

      // usage
      assertEquals(List.of(), store.usage().days(rival, day, day));
      assertEquals(0, store.documents().contentBytes(rivalDocs));
      store.usage().add(List.of(new UsageDelta(rival, day, Meter.SEARCHES, 1)));

      // the rival's deletes
      assertTrue(store.collections().delete(rivalDocs));

      // and acme's data is intact
      DocumentRecord stillThere = store.documents().find(secret.key()).orElseThrow();
      assertEquals(DocumentState.FAILED, stillThere.state());
      assertEquals(Optional.of("acme's reason"), stillThere.failureReason());
      assertEquals("h-acme", stillThere.contentHash());
      assertEquals(2, store.documents().counts(acmeDocs).total());
      assertEquals(new IdempotencyOutcome.Replay(acmeResponse), store.idempotency().begin(acme, "idem", "acme-body"));
      assertEquals(ErasureStatus.REQUESTED, store.erasures().find(acme, acmeErasure.id()).orElseThrow().status());
      assertEquals(1, store.jobs().find(acme, acmeJob.id()).orElseThrow().submitted());
      assertEquals(Optional.empty(), store.apiKeys().find(acme, acmeKey.key().id()).orElseThrow().revokedAt());
      assertEquals(7, store.usage().days(acme, day, day).getFirst().get(Meter.SEARCHES));
    }
  }

  @Nested
  class Sessions {

    TenantId acme;
    CollectionKey docs;
    final dev.quarry.store.session.SessionPolicy policy =
        new dev.quarry.store.session.SessionPolicy(Duration.ofHours(1), 3);

    @BeforeEach
    void setUp() {
      acme = StoreContract.this.tenant("acme");
      docs = StoreContract.this.collection(acme, "docs");
    }

    dev.quarry.store.session.NewTurn turn(String question, String doc) {
      return new dev.quarry.store.session.NewTurn(question, "the answer to " + question + " [1]", "extractive",
          List.of(new dev.quarry.store.session.TurnCitation(1, Optional.of("docs"), doc, 0, 4, 9, "quote")), 12, 7);
    }

    @Test
    void turnsAreKeptInOrderWithTheirCitationsAndTokens() {
      submit(docs, "a", "h");
      var s = store.sessions().create(acme, Optional.of("alice"), policy);
      assertEquals(0, s.turns());
      clock.advance(Duration.ofSeconds(5));
      var after = store.sessions().append(acme, s.id(), turn("q1", "a"), policy);
      assertEquals(1, after.turns());
      assertEquals(T0.plusSeconds(5).plus(policy.ttl()), after.expiresAt());
      var turns = store.sessions().turns(acme, s.id());
      assertEquals(1, turns.size());
      var t = turns.getFirst();
      assertEquals("q1", t.question());
      assertEquals("the answer to q1 [1]", t.answer());
      assertEquals(List.of(new dev.quarry.store.session.TurnCitation(1, Optional.of("docs"), "a", 0, 4, 9, "quote")),
          t.citations());
      assertEquals(12, t.inputTokens());
      assertEquals(7, t.outputTokens());
      assertFalse(t.redacted());
      assertEquals(Optional.of("alice"), store.sessions().find(acme, s.id()).orElseThrow().user());
    }

    @Test
    void theOldestTurnsGoBeyondTheMaximum() {
      submit(docs, "a", "h");
      var s = store.sessions().create(acme, Optional.empty(), policy);
      for (int i = 1; i <= 5; i++) {
        store.sessions().append(acme, s.id(), turn("q" + i, "a"), policy);
      }
      assertEquals(List.of("q3", "q4", "q5"),
          store.sessions().turns(acme, s.id()).stream().map(dev.quarry.store.session.Turn::question).toList());
      assertEquals(List.of(3, 4, 5),
          store.sessions().turns(acme, s.id()).stream().map(dev.quarry.store.session.Turn::ordinal).toList());
      assertEquals(3, store.sessions().find(acme, s.id()).orElseThrow().turns());
    }

    @Test
    void aSessionStartedWithItsFirstTurnReadsAsOneCreatedThenAppended() {
      submit(docs, "a", "h");
      String id = store.sessions().newId();
      assertNotEquals(id, store.sessions().newId());
      assertEquals(Optional.empty(), store.sessions().find(acme, id), "newId writes nothing");
      clock.advance(Duration.ofSeconds(5));
      var s = store.sessions().start(acme, id, Optional.of("alice"), turn("q1", "a"), policy);
      assertEquals(id, s.id());
      assertEquals(1, s.turns());
      assertEquals(T0.plusSeconds(5), s.createdAt());
      assertEquals(T0.plusSeconds(5).plus(policy.ttl()), s.expiresAt());
      assertEquals(s, store.sessions().find(acme, id).orElseThrow());
      var t = store.sessions().turns(acme, id).getFirst();
      assertEquals(1, t.ordinal());
      assertEquals("q1", t.question());
      assertEquals("the answer to q1 [1]", t.answer());
      assertEquals(List.of(new dev.quarry.store.session.TurnCitation(1, Optional.of("docs"), "a", 0, 4, 9, "quote")),
          t.citations());
      assertEquals(12, t.inputTokens());
      assertEquals(7, t.outputTokens());
      assertEquals(List.of(id), store.sessions().list(acme, Optional.of("alice"), PageRequest.first(10)).items().stream()
          .map(dev.quarry.store.session.Session::id).toList());
      // continued as any other session: the next turn is the second, the oldest go beyond the maximum
      for (int i = 2; i <= 4; i++) {
        store.sessions().append(acme, id, turn("q" + i, "a"), policy);
      }
      assertEquals(List.of(2, 3, 4),
          store.sessions().turns(acme, id).stream().map(dev.quarry.store.session.Turn::ordinal).toList());
      assertEquals(3, store.sessions().find(acme, id).orElseThrow().turns());
    }

    @Test
    void aSessionIsNotStartedTwiceNorInAnUnknownTenant() {
      String id = store.sessions().newId();
      store.sessions().start(acme, id, Optional.empty(), turn("q1", "a"), policy);
      assertThrows(ConflictException.class,
          () -> store.sessions().start(acme, id, Optional.of("bob"), turn("q2", "a"), policy));
      assertEquals(List.of("q1"),
          store.sessions().turns(acme, id).stream().map(dev.quarry.store.session.Turn::question).toList());
      assertEquals(Optional.empty(), store.sessions().find(acme, id).orElseThrow().user());
      String other = store.sessions().newId();
      assertThrows(NotFoundException.class,
          () -> store.sessions().start(new TenantId("ghost"), other, Optional.empty(), turn("q", "a"), policy));
      assertThrows(InvalidInputException.class,
          () -> store.sessions().start(acme, other, Optional.of(" "), turn("q", "a"), policy));
      assertEquals(Optional.empty(), store.sessions().find(acme, other));
    }

    @Test
    void anExpiredSessionIsNotFoundNorContinuedAndIsDeletedByTheSweep() {
      var s = store.sessions().create(acme, Optional.empty(), policy);
      clock.advance(Duration.ofHours(1));
      assertEquals(Optional.empty(), store.sessions().find(acme, s.id()));
      assertEquals(List.of(), store.sessions().list(acme, Optional.empty(), PageRequest.first(10)).items());
      assertThrows(NotFoundException.class, () -> store.sessions().append(acme, s.id(), turn("q", "a"), policy));
      assertEquals(1, store.sessions().deleteExpired(10));
      assertEquals(0, store.sessions().deleteExpired(10));
    }

    @Test
    void anAnswerCitingADeletedDocumentReadsRedactedAndScrubbingMakesItPermanent() throws SQLException {
      submit(docs, "kept", "h1");
      submit(docs, "secret", "h2");
      var s = store.sessions().create(acme, Optional.empty(), policy);
      store.sessions().append(acme, s.id(), turn("first", "kept"), policy);
      store.sessions().append(acme, s.id(), new dev.quarry.store.session.NewTurn("second", "secret text [1]",
          "extractive", List.of(new dev.quarry.store.session.TurnCitation(1, Optional.of("docs"), "secret", 0, 0, 11,
          "secret text")), 1, 1), policy);
      assertTrue(store.documents().delete(DocumentKey.of(docs, "secret"), OptionalLong.empty()));

      var turns = store.sessions().turns(acme, s.id());
      assertFalse(turns.get(0).redacted());
      assertTrue(turns.get(1).redacted());
      assertEquals(dev.quarry.store.session.Turn.REDACTED, turns.get(1).answer());
      assertEquals(List.of(), turns.get(1).citations());
      assertEquals("second", turns.get(1).question());

      assertEquals(1, store.sessions().scrubDeleted(acme));
      try (Connection c = rawConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT * FROM session_turns t LEFT JOIN session_citations c"
              + " ON c.session_id = t.session_id AND c.turn = t.ordinal")) {
        while (rs.next()) {
          assertFalse(new ResultSetRow(rs).text().contains("secret text"), "the quote is gone from the database");
        }
      }
      // already scrubbed: nothing more to redact
      assertEquals(0, store.sessions().scrubDeleted(acme));
    }

    @Test
    void listsArePagedNewestFirstAndFilteredByUser() {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.addFirst(store.sessions().create(acme, Optional.of(i % 2 == 0 ? "alice" : "bob"), policy).id());
        clock.advance(Duration.ofMillis(1));
      }
      Page<dev.quarry.store.session.Session> first = store.sessions().list(acme, Optional.empty(), PageRequest.first(3));
      Page<dev.quarry.store.session.Session> second =
          store.sessions().list(acme, Optional.empty(), PageRequest.first(3).next(first));
      List<String> all = new ArrayList<>(first.items().stream().map(dev.quarry.store.session.Session::id).toList());
      all.addAll(second.items().stream().map(dev.quarry.store.session.Session::id).toList());
      assertEquals(ids, all);
      assertEquals(Optional.empty(), second.next());
      assertEquals(3, store.sessions().list(acme, Optional.of("alice"), PageRequest.first(10)).items().size());
      assertEquals(3, store.sessions().deleteOfUser(acme, "alice"));
      assertEquals(2, store.sessions().list(acme, Optional.empty(), PageRequest.first(10)).items().size());
    }

    @Test
    void anotherTenantCannotSeeContinueOrDeleteASession() {
      TenantId rival = StoreContract.this.tenant("rival");
      submit(docs, "a", "h");
      var s = store.sessions().create(acme, Optional.of("alice"), policy);
      store.sessions().append(acme, s.id(), turn("q", "a"), policy);
      assertEquals(Optional.empty(), store.sessions().find(rival, s.id()));
      assertEquals(List.of(), store.sessions().turns(rival, s.id()));
      assertThrows(NotFoundException.class, () -> store.sessions().append(rival, s.id(), turn("q", "a"), policy));
      assertFalse(store.sessions().delete(rival, s.id()));
      assertEquals(0, store.sessions().deleteOfUser(rival, "alice"));
      assertEquals(1, store.sessions().turns(acme, s.id()).size());
      assertTrue(store.sessions().delete(acme, s.id()));
      assertEquals(Optional.empty(), store.sessions().find(acme, s.id()));
    }

    @Test
    void memoriesAreKeptPerUserWithTheirEmbeddingAndCanBeDeleted() {
      TenantId rival = StoreContract.this.tenant("rival");
      var m = store.memories().add(acme, new dev.quarry.store.memory.NewMemory("alice", "likes tea", "{\"k\":1}",
          "hash-64", List.of(0.5f, -1.25f, 3f)));
      clock.advance(Duration.ofMillis(1));
      store.memories().add(acme, new dev.quarry.store.memory.NewMemory("alice", "lives in Lyon", "{}", "hash-64",
          List.of(1f, 0f, 0f)));
      store.memories().add(acme, new dev.quarry.store.memory.NewMemory("bob", "likes coffee", "{}", "hash-64",
          List.of(1f, 0f, 0f)));
      assertEquals(m, store.memories().find(acme, m.id()).orElseThrow());
      assertEquals(List.of(0.5f, -1.25f, 3f), store.memories().find(acme, m.id()).orElseThrow().embedding());
      assertEquals(List.of("lives in Lyon", "likes tea"), store.memories().list(acme, Optional.of("alice"), PageRequest.first(10))
          .items().stream().map(dev.quarry.store.memory.Memory::text).toList());
      assertEquals(2, store.memories().ofUser(acme, "alice").size());
      assertEquals(3, store.memories().list(acme, Optional.empty(), PageRequest.first(10)).items().size());
      Page<dev.quarry.store.memory.Memory> one = store.memories().list(acme, Optional.empty(), PageRequest.first(2));
      assertEquals(1, store.memories().list(acme, Optional.empty(), PageRequest.first(2).next(one)).items().size());
      assertEquals(Optional.empty(), store.memories().find(rival, m.id()));
      assertFalse(store.memories().delete(rival, m.id()));
      assertEquals(List.of(), store.memories().ofUser(rival, "alice"));
      assertTrue(store.memories().delete(acme, m.id()));
      assertEquals(1, store.memories().deleteOfUser(acme, "alice"));
      assertEquals(List.of(), store.memories().ofUser(acme, "alice"));
      assertEquals(1, store.memories().ofUser(acme, "bob").size());
    }

    @Test
    void judgmentSetsAndEvaluationsArePerTenantAndMoveFromQueuedToFinished() {
      TenantId rival = StoreContract.this.tenant("rival");
      var nj = new dev.quarry.store.evaluation.NewJudgments("set-1", "beir", "{\"q1\":\"tea\"}", "q1\td1\t1\n", 1, 1, "f1");
      var set = store.evaluations().putJudgments(acme, nj);
      assertEquals(set, store.evaluations().findJudgments(acme, "set-1").orElseThrow());
      clock.advance(Duration.ofMillis(5));
      var replaced = store.evaluations().putJudgments(acme, new dev.quarry.store.evaluation.NewJudgments("set-1", "trec",
          "{\"q1\":\"tea\",\"q2\":\"coffee\"}", "q1\td1\t1\nq2\td2\t2\n", 2, 2, "f2"));
      assertEquals(set.createdAt(), replaced.createdAt(), "replacing keeps when the set was created");
      assertEquals("f2", store.evaluations().findJudgments(acme, "set-1").orElseThrow().fingerprint());
      assertEquals(List.of("set-1"), store.evaluations().listJudgments(acme, 10).stream()
          .map(dev.quarry.store.evaluation.JudgmentSet::name).toList());
      assertEquals(Optional.empty(), store.evaluations().findJudgments(rival, "set-1"));
      assertFalse(store.evaluations().deleteJudgments(rival, "set-1"));

      var e = store.evaluations().create(acme, "docs", "set-1", "f2", "{\"collection\":\"docs\"}");
      assertEquals(dev.quarry.store.evaluation.EvaluationState.QUEUED, e.state());
      assertEquals(e, store.evaluations().find(acme, e.id()).orElseThrow());
      assertEquals(List.of(e.id()), store.evaluations().unfinished().stream().map(dev.quarry.store.evaluation.Evaluation::id).toList());
      assertEquals(Optional.empty(), store.evaluations().find(rival, e.id()));
      assertFalse(store.evaluations().start(rival, e.id()));
      assertTrue(store.evaluations().start(acme, e.id()));
      assertEquals(dev.quarry.store.evaluation.EvaluationState.RUNNING, store.evaluations().find(acme, e.id()).orElseThrow().state());
      assertEquals(1, store.evaluations().unfinished().size(), "a running job is taken up again after a restart");
      store.evaluations().succeed(acme, e.id(), "{\"queries\":2}");
      var done = store.evaluations().find(acme, e.id()).orElseThrow();
      assertEquals(dev.quarry.store.evaluation.EvaluationState.SUCCEEDED, done.state());
      assertEquals(Optional.of("{\"queries\":2}"), done.result());
      assertTrue(done.finishedAt().isPresent());
      assertEquals(List.of(), store.evaluations().unfinished());
      assertFalse(store.evaluations().start(acme, e.id()), "a finished job does not start again");
      clock.advance(Duration.ofMillis(5));
      var failed = store.evaluations().create(acme, "docs", "set-1", "f2", "{}");
      store.evaluations().fail(acme, failed.id(), "judgments changed");
      assertEquals(Optional.of("judgments changed"), store.evaluations().find(acme, failed.id()).orElseThrow().error());
      assertEquals(List.of(failed.id(), e.id()), store.evaluations().list(acme, PageRequest.first(10)).items().stream()
          .map(dev.quarry.store.evaluation.Evaluation::id).toList());
      assertEquals(List.of(), store.evaluations().list(rival, PageRequest.first(10)).items());
      assertTrue(store.evaluations().deleteJudgments(acme, "set-1"));
      assertEquals(List.of(), store.evaluations().listJudgments(acme, 10));
    }

    @Test
    void anErasureReceiptCountsSessionsAndMemories() {
      ErasureReceipt r = store.erasures().request(acme, "user", "alice");
      ErasureReceipt d = store.erasures().markDeleted(acme, r.id(), 1, 2, 3);
      assertEquals(2, d.sessionsDeleted());
      assertEquals(3, d.memoriesDeleted());
      assertEquals(d, store.erasures().find(acme, r.id()).orElseThrow());
    }
  }

  @Nested
  class Tools {
    @Test
    void aTenantsToolsArePutReplacedListedAndDeletedUnseenByAnotherTenant() {
      TenantId acme = StoreContract.this.tenant("acme");
      TenantId rival = StoreContract.this.tenant("rival");
      assertTrue(store.tools().put(acme, "weather", "the weather", "{\"type\":\"object\"}", "https://w.example/x"));
      clock.advance(Duration.ofMillis(5));
      assertFalse(store.tools().put(acme, "weather", "today's weather", "{}", "https://w.example/y"));
      store.tools().put(acme, "atlas", "maps", "{}", "https://a.example/");
      var w = store.tools().find(acme, "weather").orElseThrow();
      assertEquals("today's weather", w.description());
      assertEquals("https://w.example/y", w.url());
      assertTrue(w.updatedAt().isAfter(w.createdAt()));
      assertEquals(List.of("atlas", "weather"),
          store.tools().list(acme).stream().map(dev.quarry.store.tool.ToolDefinition::name).toList());
      assertEquals(Optional.empty(), store.tools().find(rival, "weather"));
      assertEquals(List.of(), store.tools().list(rival));
      assertFalse(store.tools().delete(rival, "weather"));
      assertTrue(store.tools().delete(acme, "weather"));
      assertEquals(Optional.empty(), store.tools().find(acme, "weather"));
      assertThrows(NotFoundException.class, () -> store.tools().put(TenantId.of("nobody"), "t", "d", "{}", "u"));
    }

    @Test
    void aTenantsHostAllowListIsReplacedWholeAndItsOwn() {
      TenantId acme = StoreContract.this.tenant("acme");
      TenantId rival = StoreContract.this.tenant("rival");
      store.tools().setAllowedHosts(acme, java.util.Set.of("api.example.com", "*.example.org"));
      assertEquals(java.util.Set.of("api.example.com", "*.example.org"), store.tools().allowedHosts(acme));
      assertEquals(java.util.Set.of(), store.tools().allowedHosts(rival));
      store.tools().setAllowedHosts(acme, java.util.Set.of("only.example.com"));
      assertEquals(java.util.Set.of("only.example.com"), store.tools().allowedHosts(acme));
    }
  }

  /** A whole result-set row as text, to search every column at once. */
  record ResultSetRow(String text) {
    ResultSetRow(ResultSet rs) throws SQLException {
      this(join(rs));
    }

    private static String join(ResultSet rs) throws SQLException {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        sb.append(rs.getString(i)).append('|');
      }
      return sb.toString();
    }
  }

  @Nested
  class Ledger {
    TenantId acme;

    @BeforeEach
    void setUp() {
      acme = StoreContract.this.tenant("acme");
    }

    dev.quarry.store.ledger.ModelCall call(String id, Optional<String> session, long in, long out, long nanos) {
      return new dev.quarry.store.ledger.ModelCall(acme, id, Optional.of("k1"), session, "small", "small", T0, in, out,
          0, false, Duration.ofMillis(40), Optional.of(Duration.ofMillis(5)), nanos,
          dev.quarry.store.ledger.ModelCall.Outcome.OK);
    }

    @Test
    void aBudgetIsSetReadReplacedAndRemoved() {
      assertEquals(Optional.empty(), store.ledger().budget(acme));
      var b = new dev.quarry.store.ledger.Budget(OptionalLong.of(1000), OptionalLong.empty(), OptionalLong.of(5_000_000_000L),
          OptionalLong.empty(), OptionalLong.of(256), Optional.of(Set.of("small", "big")), Optional.of(Set.of()));
      store.ledger().putBudget(acme, b, T0);
      assertEquals(Optional.of(b), store.ledger().budget(acme));
      store.ledger().putBudget(acme, dev.quarry.store.ledger.Budget.UNLIMITED, T0);
      assertEquals(Optional.of(dev.quarry.store.ledger.Budget.UNLIMITED), store.ledger().budget(acme));
      assertTrue(store.ledger().deleteBudget(acme));
      assertFalse(store.ledger().deleteBudget(acme));
      assertThrows(NotFoundException.class, () -> store.ledger().putBudget(TenantId.of("nobody"), b, T0));
    }

    @Test
    void racingReservationsNeverExceedTheLimit() throws InterruptedException {
      List<Object> results = race(8, () -> {
        int won = 0;
        for (int i = 0; i < 10; i++) {
          if (store.ledger().reserve(acme, List.of(
              new dev.quarry.store.ledger.WindowCharge("day:2026-03-01", 10, 7, 100, Long.MAX_VALUE),
              new dev.quarry.store.ledger.WindowCharge("month:2026-03", 10, 7, Long.MAX_VALUE, 70))).isEmpty()) {
            won++;
          }
        }
        return won;
      });
      assertEquals(10, results.stream().mapToInt(r -> (Integer) r).sum(), results.toString());
      assertEquals(List.of(new dev.quarry.store.ledger.WindowSpend("day:2026-03-01", 100, 70),
              new dev.quarry.store.ledger.WindowSpend("month:2026-03", 100, 70)),
          store.ledger().spend(acme, List.of("day:2026-03-01", "month:2026-03")));
    }

    @Test
    void aReservationIsAllOrNoneAndSettlingReplacesItWithTheRealUsage() {
      var day = new dev.quarry.store.ledger.WindowCharge("day:2026-03-01", 60, 0, 100, Long.MAX_VALUE);
      var month = new dev.quarry.store.ledger.WindowCharge("month:2026-03", 60, 0, 100, Long.MAX_VALUE);
      assertEquals(Optional.empty(), store.ledger().reserve(acme, List.of(day)));
      assertEquals(Optional.empty(), store.ledger().reserve(acme, List.of(month)));
      var both = new dev.quarry.store.ledger.WindowCharge("day:2026-03-01", 30, 0, 100, Long.MAX_VALUE);
      var tooMuch = new dev.quarry.store.ledger.WindowCharge("month:2026-03", 50, 0, 100, Long.MAX_VALUE);
      assertEquals(Optional.of(tooMuch), store.ledger().reserve(acme, List.of(both, tooMuch)));
      assertEquals(60, store.ledger().spend(acme, List.of("day:2026-03-01")).getFirst().tokens(),
          "the day was not charged when the month refused");
      var alone = new dev.quarry.store.ledger.WindowCharge("day:2026-03-02", 101, 0, 100, Long.MAX_VALUE);
      assertEquals(Optional.of(alone), store.ledger().reserve(acme, List.of(alone)));
      store.ledger().settle(List.of(new dev.quarry.store.ledger.Settlement(call("c1", Optional.empty(), 12, 8, 3000),
          List.of(new dev.quarry.store.ledger.WindowDelta("day:2026-03-01", -40, 3000)))));
      assertEquals(20, store.ledger().spend(acme, List.of("day:2026-03-01")).getFirst().tokens());
      assertEquals(3000, store.ledger().spend(acme, List.of("day:2026-03-01")).getFirst().costNanos());
      store.ledger().settle(List.of(new dev.quarry.store.ledger.Settlement(call("c2", Optional.empty(), 5, 5, 1000),
          List.of())));
      assertEquals(List.of(new dev.quarry.store.ledger.ModelDay(LocalDate.of(2026, 3, 1), "small", 2, 17, 13, 0, 4000)),
          store.ledger().days(acme, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2)));
      assertEquals(List.of(), store.ledger().days(acme, LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 2)));
    }

    @Test
    void callsOfADeletedTenantAreDroppedAndAnErasedUsersSessionsLeaveTheLedger() throws SQLException {
      TenantId gone = StoreContract.this.tenant("gone");
      store.tenants().delete(gone);
      var alice = store.sessions().create(acme, Optional.of("alice"),
          new dev.quarry.store.session.SessionPolicy(Duration.ofDays(1), 100));
      var orphan = new dev.quarry.store.ledger.ModelCall(gone, "g1", Optional.empty(), Optional.empty(), "small",
          "small", T0, 1, 1, 0, true, Duration.ZERO, Optional.empty(), 0, dev.quarry.store.ledger.ModelCall.Outcome.CUT);
      store.ledger().settle(List.of(new dev.quarry.store.ledger.Settlement(orphan, List.of()),
          new dev.quarry.store.ledger.Settlement(call("c1", Optional.of(alice.id()), 1, 1, 0), List.of())));
      assertEquals(List.of(), store.ledger().days(gone, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1)));
      assertEquals(1, store.sessions().deleteOfUser(acme, "alice"));
      try (Connection c = rawConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT session_id, input_tokens FROM model_calls WHERE tenant_id = 'acme'")) {
        assertTrue(rs.next());
        assertEquals(null, rs.getString("session_id"), "the erased user's session id is gone from the ledger");
        assertEquals(1, rs.getLong("input_tokens"), "the call stays for billing");
      }
    }
  }
}

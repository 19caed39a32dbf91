package dev.quarry.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.StorageException;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.usage.DailyUsage;
import dev.quarry.store.usage.Meter;
import dev.quarry.store.usage.UsageDelta;
import dev.quarry.store.usage.UsageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage meter over a real SQLite store: what it buffers, when it flushes, and what reads see. */
class UsageMeterTest {

  static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dataDir;
  Store store;
  TenantId acme;
  SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));
  LocalDate day = LocalDate.of(2026, 3, 1);

  @BeforeEach
  void open() {
    store = SqliteStore.open(SqliteSettings.in(dataDir), StoreOptions.defaults());
    acme = store.tenants().create(TenantId.of("acme")).id();
  }

  @AfterEach
  void close() {
    store.close();
  }

  long stored(Meter meter) {
    return store.usage().days(acme, day, day).stream().mapToLong(d -> d.get(meter)).sum();
  }

  long read(UsageMeter meter, Meter m) {
    return meter.days(acme, day, day).getFirst().get(m);
  }

  @Test
  void countsReachTheStoreWithinTheFlushIntervalWithoutAClose() throws InterruptedException {
    try (UsageMeter meter = UsageMeter.start(store.usage(), clock, Duration.ofMillis(50))) {
      meter.count(acme, Meter.SEARCHES, 2);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (stored(Meter.SEARCHES) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, stored(Meter.SEARCHES));
    }
  }

  @Test
  void readsAddWhatIsInMemoryToWhatIsStoredAndNeverCountTwice() {
    try (UsageMeter meter = UsageMeter.start(store.usage(), clock, NEVER)) {
      meter.count(acme, Meter.SEARCHES, 5);
      meter.count(acme, Meter.BYTES_UPLOADED, 0);
      assertEquals(0, stored(Meter.SEARCHES));
      assertEquals(5, read(meter, Meter.SEARCHES));
      meter.flush();
      assertEquals(5, stored(Meter.SEARCHES));
      assertEquals(5, read(meter, Meter.SEARCHES));
      meter.count(acme, Meter.SEARCHES, 2);
      assertEquals(7, read(meter, Meter.SEARCHES));
      assertEquals(List.of(), store.usage().days(acme, day, day).stream()
          .filter(d -> d.get(Meter.BYTES_UPLOADED) != 0).toList(), "a zero counts nothing");
      List<DailyUsage> week = meter.days(acme, day.minusDays(6), day);
      assertEquals(7, week.size(), "every day of the range");
      assertEquals(day.minusDays(6), week.getFirst().day());
      assertEquals(0, week.getFirst().get(Meter.SEARCHES));
      assertThrows(IllegalArgumentException.class, () -> meter.count(acme, Meter.SEARCHES, -1));
    }
  }

  @Test
  void closingFlushesWhatIsLeftOnceAndCountsGoToTheUtcDayOfTheirClock() {
    clock.set(Instant.parse("2026-03-01T23:59:59Z"));
    UsageMeter meter = UsageMeter.start(store.usage(), clock, NEVER);
    meter.count(acme, Meter.DOCUMENTS_INDEXED, 3);
    clock.set(Instant.parse("2026-03-02T00:00:01Z"));
    meter.count(acme, Meter.DOCUMENTS_INDEXED, 4);
    assertEquals(LocalDate.of(2026, 3, 2), meter.today());
    meter.close();
    meter.close();
    List<DailyUsage> days = store.usage().days(acme, day, day.plusDays(1));
    assertEquals(List.of(3L, 4L), days.stream().map(d -> d.get(Meter.DOCUMENTS_INDEXED)).toList());
  }

  @Test
  void aFlushTheStoreRefusesKeepsItsCountsForTheNextOne() {
    Flaky flaky = new Flaky(store.usage());
    try (UsageMeter meter = UsageMeter.start(flaky, clock, NEVER)) {
      meter.count(acme, Meter.SEARCHES, 3);
      flaky.down.set(true);
      assertThrows(StorageException.class, meter::flush);
      meter.count(acme, Meter.SEARCHES, 1);
      assertEquals(4, read(meter, Meter.SEARCHES), "nothing lost, nothing doubled");
      flaky.down.set(false);
      meter.flush();
      assertEquals(4, stored(Meter.SEARCHES));
      assertEquals(4, read(meter, Meter.SEARCHES));
    }
  }

  @Test
  void countingWhileFlushingLosesNothingAndReadsNeverGoBackOrBeyond() throws Exception {
    int threads = 4;
    int each = 3000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try (UsageMeter meter = UsageMeter.start(store.usage(), clock, Duration.ofMillis(1))) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> counters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        counters.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            meter.count(acme, Meter.SEARCHES, 1);
          }
          return null;
        }));
      }
      AtomicBoolean counting = new AtomicBoolean(true);
      Future<List<Long>> reader = pool.submit(() -> {
        List<Long> seen = new ArrayList<>();
        go.await();
        while (counting.get()) {
          seen.add(read(meter, Meter.SEARCHES));
        }
        return seen;
      });
      go.countDown();
      for (Future<?> f : counters) {
        f.get(60, TimeUnit.SECONDS);
      }
      counting.set(false);
      List<Long> seen = reader.get(60, TimeUnit.SECONDS);
      long total = (long) threads * each;
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i) >= seen.get(i - 1), "a read went back: " + seen.get(i - 1) + " then " + seen.get(i));
      }
      assertTrue(seen.stream().allMatch(n -> n <= total), "a read counted something twice");
      assertEquals(total, read(meter, Meter.SEARCHES));
    } finally {
      pool.shutdownNow();
    }
    assertEquals((long) threads * each, stored(Meter.SEARCHES), "after close, all of it is stored");
  }

  /** The real store, refusing writes while {@code down}, as a database that went away would. */
  static final class Flaky implements UsageStore {
    final UsageStore delegate;
    final AtomicBoolean down = new AtomicBoolean();

    Flaky(UsageStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void add(Collection<UsageDelta> deltas) {
      if (down.get()) {
        throw new StorageException("adding usage counts failed: SQLite is unavailable");
      }
      delegate.add(deltas);
    }

    @Override
    public List<DailyUsage> days(TenantId tenant, LocalDate from, LocalDate to) {
      return delegate.days(tenant, from, to);
    }
  }

  /** A clock the test moves. */
  static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }
}

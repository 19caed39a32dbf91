package dev.quarry.server.usage;

import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.usage.DailyUsage;
import dev.quarry.store.usage.Meter;
import dev.quarry.store.usage.UsageDelta;
import dev.quarry.store.usage.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Counts metered usage ({@link Meter}) per tenant and UTC day in memory, and adds it to the {@link
 * UsageStore} every {@code flushInterval} and at {@link #close()}.
 *
 * <p>Decisions: counting is a map update under a short lock, never a store write, so a search costs
 * nothing measurable more. The price is durability: a crash loses what was counted since the last
 * flush (at most one interval, {@link #FLUSH_INTERVAL} by default), and a flush the store refuses
 * keeps its counts in memory for the next one. Reads ({@link #days}) add what is still in memory to
 * what is stored, under a lock that a flush takes while it moves counts from one to the other, so a
 * read never counts a delta twice or misses it. Several servers on one PostgreSQL add up, since each
 * adds deltas; a read sees the others' counts once they flush.
 */
public final class UsageMeter implements AutoCloseable {

  /** How often counts go to the store by default. */
  public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);

  private static final System.Logger LOG = System.getLogger(UsageMeter.class.getName());

  private record Key(TenantId tenant, LocalDate day, Meter meter) {}

  private final UsageStore store;
  private final Clock clock;
  private final Object bufferLock = new Object();
  private Map<Key, Long> pending = new HashMap<>(); // guarded by bufferLock
  private final ReentrantReadWriteLock moving = new ReentrantReadWriteLock();
  private final ScheduledExecutorService timer;
  private boolean closed; // guarded by this

  private UsageMeter(UsageStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timer = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().name("quarry-usage-flush").daemon().unstarted(r));
  }

  /** A meter that flushes to {@code store} every {@code flushInterval}, days taken from {@code clock} in UTC. */
  public static UsageMeter start(UsageStore store, Clock clock, Duration flushInterval) {
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("usage flush interval must be positive, got: " + flushInterval);
    }
    UsageMeter meter = new UsageMeter(store, clock);
    long millis = flushInterval.toMillis();
    meter.timer.scheduleWithFixedDelay(meter::flushLogged, millis, millis, TimeUnit.MILLISECONDS);
    return meter;
  }

  /** Today in UTC, by this meter's clock: the day counts go to. */
  public LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /** Counts {@code amount} (>= 0; 0 counts nothing) of {@code meter} for {@code tenant} today. */
  public void count(TenantId tenant, Meter meter, long amount) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(meter, "meter");
    if (amount < 0) {
      throw new IllegalArgumentException("a usage count must be >= 0, got: " + amount + " (" + meter.wireName() + ")");
    }
    if (amount == 0) {
      return;
    }
    Key key = new Key(tenant, today(), meter);
    synchronized (bufferLock) {
      pending.merge(key, amount, Long::sum);
    }
  }

  /**
   * Moves the counts in memory to the store, in one transaction. When the store fails they stay in
   * memory (added to whatever was counted meanwhile) and the failure is thrown.
   */
  public void flush() {
    moving.writeLock().lock();
    try {
      Map<Key, Long> batch;
      synchronized (bufferLock) {
        if (pending.isEmpty()) {
          return;
        }
        batch = pending;
        pending = new HashMap<>();
      }
      List<UsageDelta> deltas = new ArrayList<>(batch.size());
      batch.forEach((k, n) -> deltas.add(new UsageDelta(k.tenant(), k.day(), k.meter(), n)));
      try {
        store.add(deltas);
      } catch (RuntimeException e) {
        synchronized (bufferLock) {
          batch.forEach((k, n) -> pending.merge(k, n, Long::sum));
        }
        throw e;
      }
    } finally {
      moving.writeLock().unlock();
    }
  }

  private void flushLogged() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "usage counts could not be stored; kept in memory for the next flush: "
          + e.getMessage());
    }
  }

  /**
   * A tenant's usage per day from {@code from} to {@code to} (both included), every day of the
   * range present (zero when nothing was counted), oldest first: the store's counts plus those not
   * yet flushed.
   */
  public List<DailyUsage> days(TenantId tenant, LocalDate from, LocalDate to) {
    Map<LocalDate, Map<Meter, Long>> byDay = new TreeMap<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      byDay.put(d, new EnumMap<>(Meter.class));
    }
    moving.readLock().lock();
    try {
      for (DailyUsage stored : store.days(tenant, from, to)) {
        byDay.get(stored.day()).putAll(stored.counts());
      }
      synchronized (bufferLock) {
        pending.forEach((k, n) -> {
          if (k.tenant().equals(tenant) && !k.day().isBefore(from) && !k.day().isAfter(to)) {
            byDay.get(k.day()).merge(k.meter(), n, Long::sum);
          }
        });
      }
    } finally {
      moving.readLock().unlock();
    }
    List<DailyUsage> out = new ArrayList<>(byDay.size());
    byDay.forEach((day, counts) -> out.add(new DailyUsage(day, counts)));
    return out;
  }

  /** Stops the timer and flushes what is left; a failure is logged with what was lost. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdown();
    try {
      if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "a usage flush is still running after 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      int lost;
      synchronized (bufferLock) {
        lost = pending.size();
      }
      LOG.log(System.Logger.Level.ERROR, "usage counts could not be stored at shutdown; " + lost
          + " counters (tenant, day, meter) are lost: " + e.getMessage());
    }
  }
}

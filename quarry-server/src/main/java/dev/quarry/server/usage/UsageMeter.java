package dev.quarry.server.usage;

import dev.quarry.store.FlushSchedule;
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
  private final FlushSchedule schedule;

  private UsageMeter(UsageStore store, Clock clock, Duration flushInterval) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.schedule = FlushSchedule.start("usage", "usage counts (tenant, day, meter)", flushInterval, this::flush,
        this::buffered, LOG);
  }

  /** A meter that flushes to {@code store} every {@code flushInterval}, days taken from {@code clock} in UTC. */
  public static UsageMeter start(UsageStore store, Clock clock, Duration flushInterval) {
    return new UsageMeter(store, clock, flushInterval);
  }

  private int buffered() {
    synchronized (bufferLock) {
      return pending.size();
    }
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
  public void close() {
    schedule.close();
  }
}

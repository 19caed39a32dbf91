package dev.quarry.runtime.metering;

import dev.quarry.store.FlushSchedule;
import dev.quarry.store.ledger.LedgerStore;
import dev.quarry.store.ledger.Settlement;
import dev.quarry.store.ledger.WindowDelta;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settles finished calls in the store in batches, off the request's thread: every
 * {@code interval}, at {@link #flush()} (a usage read calls it, so it sees every finished call)
 * and at {@link #close()}. One transaction per batch.
 *
 * <p>Why asynchronous: settling only releases what a reservation held beyond the real usage (or,
 * rarely, adds the little a provider counted beyond Quarry's estimate of the prompt), so a delay
 * makes a budget stricter for an instant, never looser; the reservation itself stays synchronous
 * and exact. The price: a crash loses the ledger rows of the last interval (their reservations stay
 * charged at the worst case, so no budget is overspent). A batch the store refuses stays queued for
 * the next flush; beyond {@link #MAX_PENDING} rows the oldest are dropped, logged.
 */
public final class LedgerWriter implements AutoCloseable {

  /** How often settled calls go to the store by default. */
  public static final Duration INTERVAL = Duration.ofMillis(200);
  /** The most calls kept in memory while the store refuses them. */
  static final int MAX_PENDING = 100_000;

  private static final System.Logger LOG = System.getLogger(LedgerWriter.class.getName());

  private final LedgerStore store;
  private final Supplier<Map<TenantId, List<WindowDelta>>> returns;
  private final Object lock = new Object();
  private List<Settlement> pending = new ArrayList<>(); // guarded by lock
  private final Object flushing = new Object();
  private final FlushSchedule schedule;

  private LedgerWriter(LedgerStore store, Duration interval, Supplier<Map<TenantId, List<WindowDelta>>> returns) {
    this.store = Objects.requireNonNull(store, "store");
    this.returns = Objects.requireNonNull(returns, "returns");
    this.schedule = FlushSchedule.start("ledger", "model calls (ledger rows)", interval, this::flush, this::buffered, LOG);
  }

  /**
   * A writer that flushes to {@code store} every {@code interval}; each flush also applies what
   * {@code returns} gives back (reservations held in memory and not used, see {@link Metering}).
   */
  public static LedgerWriter start(LedgerStore store, Duration interval,
      Supplier<Map<TenantId, List<WindowDelta>>> returns) {
    return new LedgerWriter(store, interval, returns);
  }

  /** Queues a finished call. */
  public void submit(Settlement s) {
    Objects.requireNonNull(s, "settlement");
    synchronized (lock) {
      if (pending.size() >= MAX_PENDING) {
        pending.removeFirst();
        LOG.log(System.Logger.Level.ERROR, "the ledger queue is full (" + MAX_PENDING
            + " calls) because the store refuses writes; the oldest call is dropped");
      }
      pending.add(s);
    }
  }

  /** Writes what is queued now, in one transaction; when the store fails the calls stay queued and the failure is thrown. */
  public void flush() {
    synchronized (flushing) {
      var returned = returns.get();
      if (!returned.isEmpty()) {
        store.adjust(returned);
      }
      List<Settlement> batch;
      synchronized (lock) {
        if (pending.isEmpty()) {
          return;
        }
        batch = pending;
        pending = new ArrayList<>();
      }
      try {
        store.settle(batch);
      } catch (RuntimeException e) {
        synchronized (lock) {
          batch.addAll(pending);
          pending = batch;
        }
        throw e;
      }
    }
  }

  private int buffered() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** Stops the timer and writes what is left (a failure is logged with what was lost). Idempotent. */
  @Override
  public void close() {
    schedule.close();
  }
}

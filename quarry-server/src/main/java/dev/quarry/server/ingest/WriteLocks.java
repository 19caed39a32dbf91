package dev.quarry.server.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One write lock per engine collection. Everything that changes a collection's index (the
 * ingestion worker's batches, synchronous upserts, deletes, expiry, erasures, dropping the
 * collection) runs under it; searches never take it.
 *
 * <p>Why: a worker that claimed a document before it was deleted must not index it after the
 * delete was acknowledged. Under the lock the worker re-reads its claims from the store and drops
 * what was deleted or superseded, and a delete waits for a running batch, so an acknowledged delete
 * is never undone. The cost is that a delete waits for at most one batch.
 *
 * <p>It also remembers when each collection was last written ({@code clock}), for {@link Compaction}.
 */
public final class WriteLocks {

  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Instant> lastWrite = new ConcurrentHashMap<>();
  private final Clock clock;

  public WriteLocks(Clock clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  public <T> T with(String engineCollection, Supplier<T> work) {
    return locked(engineCollection, work, true);
  }

  /**
   * Counts {@code engineCollection} as written now (at start-up: what an earlier run wrote may not
   * have been compacted), unless a write was already recorded.
   */
  void assumeWritten(String engineCollection) {
    lastWrite.putIfAbsent(engineCollection, clock.instant());
  }

  /** Like {@link #with}, for work that is not a write (it does not restart the quiet spell). */
  <T> T withoutRecording(String engineCollection, Supplier<T> work) {
    return locked(engineCollection, work, false);
  }

  private <T> T locked(String engineCollection, Supplier<T> work, boolean write) {
    ReentrantLock lock = locks.computeIfAbsent(engineCollection, k -> new ReentrantLock(true));
    lock.lock();
    try {
      return work.get();
    } finally {
      if (write) {
        lastWrite.put(engineCollection, clock.instant());
      }
      lock.unlock();
    }
  }

  /**
   * Collections written to (under their lock) and then left alone for at least {@code quiet}:
   * each is returned once per such quiet spell.
   */
  java.util.List<String> quietSince(Duration quiet) {
    Instant now = clock.instant();
    java.util.List<String> out = new java.util.ArrayList<>();
    lastWrite.forEach((name, at) -> {
      if (!at.plus(quiet).isAfter(now) && lastWrite.remove(name, at)) {
        out.add(name);
      }
    });
    return out;
  }
}

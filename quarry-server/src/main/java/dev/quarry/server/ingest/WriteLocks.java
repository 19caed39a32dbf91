package dev.quarry.server.ingest;

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
 */
public final class WriteLocks {

  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public <T> T with(String engineCollection, Supplier<T> work) {
    ReentrantLock lock = locks.computeIfAbsent(engineCollection, k -> new ReentrantLock(true));
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }
}

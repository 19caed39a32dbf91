package dev.quarry.embed.onnx;

import dev.quarry.core.embed.InputKind;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The work queue of the embedder's sessions, which decides what a free session runs next:
 *
 * <ul>
 *   <li>queries first, in arrival order, so a search is not stuck behind a bulk ingest;
 *   <li>but a document batch that has waited {@link #DOCUMENT_GRACE_NANOS} goes before waiting
 *       queries, as long as fewer than {@code documentShare} sessions run documents, so ingestion
 *       keeps moving under a steady search load (it starved: two 20-document batches took 61 s
 *       under 6 searching clients when queries always went first) while at least one session is
 *       left to queries (when every session could turn to documents, search p95 went to 325 ms);
 *   <li>with no query waiting, documents take every free session.
 * </ul>
 *
 * Only the methods a {@code ThreadPoolExecutor} uses carry the policy; tasks must be {@link
 * BatchTask}s.
 */
final class BatchQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

  /** How long a document batch lets queries go first. */
  static final long DOCUMENT_GRACE_NANOS = 200_000_000L;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<BatchTask> queries = new ArrayDeque<>();
  private final ArrayDeque<BatchTask> documents = new ArrayDeque<>();
  private final int documentShare;
  private final LongSupplier clock;
  private int documentsRunning;

  /** @param documentShare how many sessions may run documents while queries wait (at least 1) */
  BatchQueue(int documentShare, LongSupplier clock) {
    this.documentShare = Math.max(1, documentShare);
    this.clock = clock;
  }

  @Override
  public boolean offer(Runnable r) {
    BatchTask task = (BatchTask) r;
    task.onDone(this::finished);
    lock.lock();
    try {
      (task.kind() == InputKind.QUERY ? queries : documents).add(task);
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The next task by the policy, or null; a document handed out counts as running until it is done. */
  private BatchTask next() {
    dropCancelled(queries);
    dropCancelled(documents);
    BatchTask doc = documents.peek();
    boolean documentDue = doc != null && (queries.isEmpty()
        || (documentsRunning < documentShare && doc.waited(DOCUMENT_GRACE_NANOS, clock.getAsLong())));
    if (documentDue) {
      documents.poll();
      documentsRunning++;
      doc.handOut();
      return doc;
    }
    BatchTask query = queries.poll();
    if (query != null) {
      query.handOut();
    }
    return query;
  }

  /** Cancelled tasks (their caller gave up) are dropped before they take a session. */
  private static void dropCancelled(ArrayDeque<BatchTask> tasks) {
    while (!tasks.isEmpty() && tasks.peek().isDone()) {
      tasks.poll();
    }
  }

  private void finished(BatchTask task) {
    lock.lock();
    try {
      if (task.kind() == InputKind.DOCUMENT && task.handedOut()) {
        documentsRunning--;
      }
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable poll() {
    lock.lock();
    try {
      return next();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable take() throws InterruptedException {
    lock.lock();
    try {
      BatchTask t;
      while ((t = next()) == null) {
        notEmpty.await();
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      BatchTask t;
      while ((t = next()) == null) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable peek() {
    lock.lock();
    try {
      return !queries.isEmpty() ? queries.peek() : documents.peek();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void put(Runnable r) {
    offer(r);
  }

  @Override
  public boolean offer(Runnable r, long timeout, TimeUnit unit) {
    return offer(r);
  }

  @Override
  public int remainingCapacity() {
    return Integer.MAX_VALUE;
  }

  @Override
  public boolean remove(Object o) {
    lock.lock();
    try {
      return queries.remove(o) || documents.remove(o);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int drainTo(Collection<? super Runnable> c) {
    return drainTo(c, Integer.MAX_VALUE);
  }

  @Override
  public int drainTo(Collection<? super Runnable> c, int max) {
    lock.lock();
    try {
      int n = 0;
      while (n < max && (!queries.isEmpty() || !documents.isEmpty())) {
        c.add(!queries.isEmpty() ? queries.poll() : documents.poll());
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Iterator<Runnable> iterator() {
    lock.lock();
    try {
      List<Runnable> all = new ArrayList<>(queries);
      all.addAll(documents);
      return all.iterator();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return queries.size() + documents.size();
    } finally {
      lock.unlock();
    }
  }
}

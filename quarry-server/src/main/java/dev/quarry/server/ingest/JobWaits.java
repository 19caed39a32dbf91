package dev.quarry.server.ingest;

import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Requests waiting for their ingestion job ({@code ?refresh=wait_for} on a batch), woken by the
 * worker when it finishes the job instead of polling the store.
 *
 * <p>Why: each waiting request used to read its job from the store every 50 ms for up to 10
 * minutes, and a server closing waited for those requests. Now a waiter sleeps until the worker
 * signals its job {@link #finished}, its timeout passes, or {@link #close} ends every wait at once.
 * It also reads the job again every {@link #RECHECK} ({@code recheck}), since a job can finish without this process's
 * worker: its last pending documents deleted, or processed by another instance on the same database.
 *
 * <p>Per job, one signal (a future completed once) is shared by the job's waiters and dropped when
 * the last of them leaves. A waiter registers before it reads the job, so a completion that happens
 * after the read always reaches it.
 */
final class JobWaits implements AutoCloseable {

  /** How often a waiter reads its job even without a signal. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  private record JobRef(TenantId tenant, String id) {}

  private static final class Signal {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int waiters;
  }

  private final Map<JobRef, Signal> signals = new HashMap<>(); // guarded by this
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final LongSupplier nanoTime;
  private final Duration recheck;

  /**
   * @param nanoTime a monotonic nanosecond clock for the timeouts, normally {@code System::nanoTime}
   * @param recheck how often a waiter reads its job without a signal, normally {@link #RECHECK}
   */
  JobWaits(LongSupplier nanoTime, Duration recheck) {
    this.nanoTime = nanoTime;
    this.recheck = recheck;
  }

  /**
   * Waits until {@code job} is done, {@code timeout} passes or the waits are closed, reading the job
   * with {@code read} (which returns the job as stored now).
   */
  JobWait await(IngestionJob job, Duration timeout, UnaryOperator<IngestionJob> read) {
    JobRef ref = new JobRef(job.collection().tenant(), job.id());
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    IngestionJob current = job;
    while (true) {
      Signal signal = enter(ref);
      try {
        current = read.apply(current);
        if (current.done()) {
          return new JobWait.Finished(current);
        }
        if (closed.isDone()) {
          return new JobWait.ShuttingDown(current);
        }
        long left = deadline - nanoTime.getAsLong();
        if (left <= 0) {
          return new JobWait.TimedOut(current);
        }
        CompletableFuture.anyOf(signal.done, closed).get(Math.min(left, recheck.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException recheck) {
        // read the job again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new JobWait.ShuttingDown(current);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a job signal never fails", e);
      } finally {
        leave(ref, signal);
      }
    }
  }

  /** The worker finished the job: its waiters read it now. */
  void finished(TenantId tenant, String jobId) {
    Signal s;
    synchronized (this) {
      s = signals.remove(new JobRef(tenant, jobId));
    }
    if (s != null) {
      s.done.complete(null);
    }
  }

  /** How many jobs have a waiter now. */
  synchronized int waitedFor() {
    return signals.size();
  }

  /** Ends every wait now and every later one at once, each with {@link JobWait.ShuttingDown}. */
  @Override
  public void close() {
    closed.complete(null);
  }

  private synchronized Signal enter(JobRef ref) {
    Signal s = signals.computeIfAbsent(ref, r -> new Signal());
    s.waiters++;
    return s;
  }

  private synchronized void leave(JobRef ref, Signal s) {
    if (--s.waiters == 0) {
      signals.remove(ref, s);
    }
  }
}

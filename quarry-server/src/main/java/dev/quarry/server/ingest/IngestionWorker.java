package dev.quarry.server.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The background threads that drain the ingestion queue ({@code ingest.workers}, default 1: the
 * embedder already uses every core). Each processes due documents batch after batch while there
 * are any, and otherwise sleeps until a submission wakes it or {@code ingest.refresh_interval}
 * passes. Before a batch, at most once per interval ({@code clock}), it deletes expired documents and
 * jobs past their retention and advances erasures, so an expired document disappears within about
 * one interval of its expiry. Batches are claimed in turns over tenants and collections
 * ({@link Ingestion#processDue}).
 * Concurrent workers never share a document (the store's claims) and take turns on a collection
 * (its write lock).
 */
public final class IngestionWorker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(IngestionWorker.class.getName());

  private final Ingestion ingestion;
  private final Erasures erasures;
  private final Duration poll;
  private final Clock clock;
  private final Semaphore wake = new Semaphore(0);
  private final java.util.List<Thread> threads;
  private volatile boolean running = true;

  private IngestionWorker(Ingestion ingestion, Erasures erasures, Clock clock) {
    this.ingestion = ingestion;
    this.erasures = erasures;
    this.clock = clock;
    this.poll = ingestion.settings().refreshInterval();
    this.threads = java.util.stream.IntStream.range(0, ingestion.settings().workers())
        .mapToObj(i -> Thread.ofPlatform().name("quarry-ingest-worker-" + i).daemon().unstarted(this::loop))
        .toList();
  }

  public static IngestionWorker start(Ingestion ingestion, Erasures erasures, Clock clock) {
    IngestionWorker w = new IngestionWorker(ingestion, erasures, clock);
    ingestion.onSubmitted(w::wake);
    ingestion.considerAllForCompaction();
    w.threads.forEach(Thread::start);
    return w;
  }

  /** Whether every worker thread is running (a dead one would leave the queue undrained). */
  public boolean alive() {
    return running && threads.stream().allMatch(Thread::isAlive);
  }

  /** Makes the worker look for work now. */
  public void wake() {
    wake.release(threads.size());
  }

  private void loop() {
    Instant nextHousekeeping = Instant.MIN;
    while (running) {
      try {
        if (!clock.instant().isBefore(nextHousekeeping)) {
          ingestion.expire(1000);
          ingestion.deleteOldJobs(1000);
          ingestion.deleteExpiredSessions(1000);
          erasures.advance();
          ingestion.compactQuiet();
          nextHousekeeping = clock.instant().plus(poll);
        }
        int claimed = ingestion.processDue();
        if (claimed == 0) {
          wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.log(System.Logger.Level.WARNING, "ingestion worker step failed; retrying in " + poll.toMillis() + " ms", e);
        try {
          Thread.sleep(poll);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Stops after the current step (waiting up to 30 s for it). */
  @Override
  public void close() {
    running = false;
    wake.release(threads.size());
    try {
      for (Thread t : threads) {
        t.join(30_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

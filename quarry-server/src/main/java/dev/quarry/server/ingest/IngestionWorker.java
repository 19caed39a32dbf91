package dev.quarry.server.ingest;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The background thread that drains the ingestion queue: it processes due documents batch after
 * batch while there are any, and otherwise sleeps until a submission wakes it or the poll interval
 * passes. Between batches, at most once per poll interval, it deletes expired documents and
 * advances erasures. One worker per server: the embedder already uses every core.
 */
public final class IngestionWorker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(IngestionWorker.class.getName());

  private final Ingestion ingestion;
  private final Erasures erasures;
  private final Duration poll;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;

  private IngestionWorker(Ingestion ingestion, Erasures erasures) {
    this.ingestion = ingestion;
    this.erasures = erasures;
    this.poll = ingestion.settings().pollInterval();
    this.thread = Thread.ofPlatform().name("quarry-ingest-worker").daemon().unstarted(this::loop);
  }

  public static IngestionWorker start(Ingestion ingestion, Erasures erasures) {
    IngestionWorker w = new IngestionWorker(ingestion, erasures);
    ingestion.onSubmitted(w::wake);
    w.thread.start();
    return w;
  }

  /** Makes the worker look for work now. */
  public void wake() {
    wake.release();
  }

  private void loop() {
    long nextHousekeeping = 0;
    while (running) {
      try {
        int claimed = ingestion.processDue();
        if (System.nanoTime() - nextHousekeeping >= 0) {
          ingestion.expire(1000);
          erasures.advance();
          nextHousekeeping = System.nanoTime() + poll.toNanos();
        }
        if (claimed == 0) {
          wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
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
    wake.release();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

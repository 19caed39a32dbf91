package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.StateCounts;
import dev.quarry.store.job.IngestionJob;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a job without polling: the waits re-read a job only every ten minutes here, so a wait
 * that ends within the test's few seconds was ended by a signal (or by closing).
 */
class JobWaitsTest {

  static final Duration NEVER = Duration.ofMinutes(10);
  static final Duration PROMPTLY = Duration.ofSeconds(10);
  static final TenantId ACME = TenantId.of("acme");

  final JobWaits waits = new JobWaits(System::nanoTime, NEVER);
  final AtomicReference<IngestionJob> stored = new AtomicReference<>(job("j1", 3));
  final AtomicInteger reads = new AtomicInteger();
  final UnaryOperator<IngestionJob> read = j -> {
    IngestionJob now = stored.get();
    reads.incrementAndGet(); // counted once read: the test changes the job only after this
    return now;
  };

  static IngestionJob job(String id, long pending) {
    return new IngestionJob(id, CollectionKey.of(ACME, "docs"), Instant.parse("2026-03-01T10:00:00Z"),
        Optional.empty(), 3, new StateCounts(Map.of(DocumentState.RECEIVED, pending, DocumentState.INDEXED, 3 - pending)),
        List.of(), Optional.empty());
  }

  private CompletableFuture<JobWait> waitInBackground(IngestionJob job) {
    CompletableFuture<JobWait> f = CompletableFuture.supplyAsync(() -> waits.await(job, NEVER, read));
    while (reads.get() == 0) {
      Thread.onSpinWait(); // until the waiter has read the job (not done) and waits
    }
    return f;
  }

  @Test
  void aWaiterReturnsAsSoonAsTheWorkerSignalsItsJobFinished() {
    assertTimeoutPreemptively(PROMPTLY, () -> {
      CompletableFuture<JobWait> wait = waitInBackground(stored.get());
      stored.set(job("j1", 0));
      waits.finished(ACME, "j1");
      JobWait outcome = wait.get();
      assertInstanceOf(JobWait.Finished.class, outcome);
      assertEquals(0, outcome.job().counts().pending());
      assertEquals(2, reads.get(), "read once before waiting and once when signalled: no polling");
      assertEquals(0, waits.waitedFor(), "nothing is kept for a job nobody waits for");
    });
  }

  @Test
  void anotherJobsSignalDoesNotEndTheWait() {
    assertTimeoutPreemptively(PROMPTLY, () -> {
      JobWaits quick = new JobWaits(System::nanoTime, NEVER);
      CompletableFuture<JobWait> wait = CompletableFuture.supplyAsync(
          () -> quick.await(stored.get(), Duration.ofMillis(300), read));
      quick.finished(ACME, "j2");
      quick.finished(TenantId.of("globex"), "j1");
      assertInstanceOf(JobWait.TimedOut.class, wait.get(), "only its own job's signal ends a wait");
    });
  }

  @Test
  void closingEndsEveryWaitAtOnceAndLaterWaitsImmediately() {
    assertTimeoutPreemptively(PROMPTLY, () -> {
      CompletableFuture<JobWait> wait = waitInBackground(stored.get());
      waits.close();
      assertInstanceOf(JobWait.ShuttingDown.class, wait.get());
      assertInstanceOf(JobWait.ShuttingDown.class, waits.await(stored.get(), NEVER, read));
      stored.set(job("j1", 0));
      assertInstanceOf(JobWait.Finished.class, waits.await(stored.get(), NEVER, read), "a done job is still done");
    });
  }

  @Test
  void aWaitEndsWhenItsTimeoutPasses() {
    long[] now = {0};
    JobWaits manual = new JobWaits(() -> now[0], NEVER);
    UnaryOperator<IngestionJob> readAndTick = j -> {
      now[0] += Duration.ofSeconds(3).toNanos();
      return stored.get();
    };
    JobWait outcome = manual.await(stored.get(), Duration.ofSeconds(2), readAndTick);
    assertInstanceOf(JobWait.TimedOut.class, outcome);
    assertEquals(3, outcome.job().counts().pending(), "the job as it stands");
    stored.set(job("j1", 0));
    assertInstanceOf(JobWait.Finished.class, manual.await(stored.get(), Duration.ZERO, read), "done counts before the timeout");
  }
}

package dev.quarry.core.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageTimerTest {

  record Run(Stage stage, long wallNanos, long cpuNanos) {}

  static final class Recording implements StageObserver {
    final List<Run> runs = new ArrayList<>();

    @Override
    public synchronized void record(Stage stage, long wallNanos, long cpuNanos) {
      runs.add(new Run(stage, wallNanos, cpuNanos));
    }
  }

  /** Burns CPU for about {@code millis} of this thread's CPU time. */
  static long spin(long millis) {
    long until = ThreadCpu.now() + millis * 1_000_000;
    long x = 0;
    while (ThreadCpu.now() < until) {
      for (int i = 0; i < 10_000; i++) {
        x += i ^ (x >>> 3);
      }
    }
    return x;
  }

  @Test
  void aStageOnAPlatformThreadReportsItsCpuTime() {
    Recording observer = new Recording();
    StageTimer.time(observer, Stage.FUSE, () -> spin(20));
    Run run = observer.runs.getFirst();
    assertEquals(Stage.FUSE, run.stage());
    assertTrue(run.cpuNanos() >= 20_000_000, "cpu " + run.cpuNanos());
    assertTrue(run.wallNanos() >= run.cpuNanos() - 1_000_000, run.toString());
  }

  @Test
  void cpuChargedByWorkersIsAddedToTheStage() throws InterruptedException {
    Recording observer = new Recording();
    StageTimer.time(observer, Stage.EMBED_QUERY, () -> {
      CpuAccount account = CpuAccount.current().orElseThrow();
      account.charge(50_000_000);
      account.charge(StageObserver.CPU_UNKNOWN); // ignored
      return null;
    });
    Run run = observer.runs.getFirst();
    assertTrue(run.cpuNanos() >= 50_000_000 && run.cpuNanos() < 50_000_000 + run.wallNanos() + 1_000_000, run.toString());
    assertTrue(CpuAccount.current().isEmpty(), "the account is bound only while the stage runs");
  }

  @Test
  void aStageOnAVirtualThreadHasUnknownCpu() throws InterruptedException {
    Recording observer = new Recording();
    Thread.ofVirtual().start(() -> {
      assertFalse(ThreadCpu.measurable());
      StageTimer.time(observer, Stage.LOAD, () -> spin(0));
    }).join();
    assertEquals(StageObserver.CPU_UNKNOWN, observer.runs.getFirst().cpuNanos());
  }

  @Test
  void aFailingStageIsStillReported() {
    Recording observer = new Recording();
    assertThrows(IllegalStateException.class, () -> StageTimer.time(observer, Stage.INDEX, () -> {
      throw new IllegalStateException("disk full");
    }));
    assertEquals(Stage.INDEX, observer.runs.getFirst().stage());
  }

  @Test
  void nothingIsTimedForTheNoneObserver() {
    assertEquals("x", StageTimer.time(StageObserver.NONE, Stage.PARSE, () -> {
      assertTrue(CpuAccount.current().isEmpty(), "no account is bound when nobody observes");
      return "x";
    }));
  }
}

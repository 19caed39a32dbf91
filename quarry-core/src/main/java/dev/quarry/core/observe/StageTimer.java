package dev.quarry.core.observe;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Times a stage on the current thread: wall time, the thread's CPU time, and CPU charged by worker
 * threads through a {@link CpuAccount}. A stage whose own thread cannot be measured reports {@link
 * StageObserver#CPU_UNKNOWN} even when workers charged something, so no counter ever holds a part.
 * With {@link StageObserver#NONE} no clock is read at all.
 */
public final class StageTimer {

  private static final StageTimer INERT = new StageTimer(StageObserver.NONE, 0, 0);

  private final StageObserver observer;
  private final long wallStart;
  private final long cpuStart;

  private StageTimer(StageObserver observer, long wallStart, long cpuStart) {
    this.observer = observer;
    this.wallStart = wallStart;
    this.cpuStart = cpuStart;
  }

  /** Starts timing now on the current thread; {@link #stop} must run on the same thread. */
  public static StageTimer start(StageObserver observer) {
    Objects.requireNonNull(observer, "observer");
    return observer == StageObserver.NONE ? INERT : new StageTimer(observer, System.nanoTime(), ThreadCpu.now());
  }

  /** Reports the time since {@link #start} as one run of {@code stage}. */
  public void stop(Stage stage) {
    stop(stage, 0);
  }

  private void stop(Stage stage, long chargedNanos) {
    if (observer == StageObserver.NONE) {
      return;
    }
    long wall = System.nanoTime() - wallStart;
    long cpuEnd = ThreadCpu.now();
    long cpu = cpuStart < 0 || cpuEnd < 0 ? StageObserver.CPU_UNKNOWN : cpuEnd - cpuStart + chargedNanos;
    observer.record(stage, wall, cpu);
  }

  /**
   * Runs {@code work} as one run of {@code stage}, with a {@link CpuAccount} bound for its workers
   * to charge. With {@link StageObserver#NONE} it just runs {@code work}. A stage that fails is
   * reported too: its CPU was spent.
   */
  public static <T> T time(StageObserver observer, Stage stage, Supplier<T> work) {
    if (observer == StageObserver.NONE) {
      return work.get();
    }
    StageTimer timer = start(observer);
    CpuAccount account = new CpuAccount();
    try {
      return CpuAccount.charging(account, work);
    } finally {
      timer.stop(stage, account.nanos());
    }
  }
}

package dev.quarry.core.observe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the current thread, where the JVM can measure it.
 *
 * <p>Measured on JDK 25: {@link ThreadMXBean#getCurrentThreadCpuTime()} answers -1 on a virtual
 * thread (and {@code getThreadCpuTime(id)} too), so the CPU of work done on a virtual thread is
 * {@link StageObserver#CPU_UNKNOWN}. Code that wants its CPU measured runs it on a platform thread
 * (the searcher does, when observed).
 */
public final class ThreadCpu {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean SUPPORTED = supported();

  private ThreadCpu() {}

  /**
   * CPU nanoseconds the current thread has used so far, or {@link StageObserver#CPU_UNKNOWN} on a
   * virtual thread or a JVM that cannot measure it. Only differences between two readings on the
   * same thread mean anything.
   */
  public static long now() {
    if (!SUPPORTED || Thread.currentThread().isVirtual()) {
      return StageObserver.CPU_UNKNOWN;
    }
    long nanos = THREADS.getCurrentThreadCpuTime();
    return nanos < 0 ? StageObserver.CPU_UNKNOWN : nanos;
  }

  /** Whether work on the current thread can be measured at all. */
  public static boolean measurable() {
    return SUPPORTED && !Thread.currentThread().isVirtual();
  }

  private static boolean supported() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }
}

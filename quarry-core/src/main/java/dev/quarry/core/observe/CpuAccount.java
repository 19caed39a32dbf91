package dev.quarry.core.observe;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * CPU time spent for a task by worker threads other than the one running it. A stage binds an
 * account while it runs ({@link #charging}); a worker pool that does part of the work on its own
 * threads (the embedder's model sessions) looks up {@link #current()} on the calling thread, and
 * charges the CPU its workers used. Nothing is charged when no account is bound.
 *
 * <p>Decision: a {@link ScopedValue} rather than a parameter, so the {@code Embedder} interface and
 * the caches between the caller and the model stay as they are.
 */
public final class CpuAccount {

  private static final ScopedValue<CpuAccount> CURRENT = ScopedValue.newInstance();

  private final LongAdder nanos = new LongAdder();

  /** Runs {@code work} with {@code account} bound as the current account of this thread. */
  public static <T> T charging(CpuAccount account, Supplier<T> work) {
    return ScopedValue.where(CURRENT, account).call(work::get);
  }

  /** The account bound on this thread by the innermost {@link #charging}, if any. */
  public static Optional<CpuAccount> current() {
    return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
  }

  /** Adds CPU nanoseconds a worker spent; negative amounts (unmeasurable) are ignored. */
  public void charge(long cpuNanos) {
    if (cpuNanos > 0) {
      nanos.add(cpuNanos);
    }
  }

  /** CPU nanoseconds charged so far. */
  public long nanos() {
    return nanos.sum();
  }
}

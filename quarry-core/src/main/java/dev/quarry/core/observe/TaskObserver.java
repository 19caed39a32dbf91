package dev.quarry.core.observe;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The stage observer of one task (one search request, one ingestion batch), bound by the code that
 * hands the task to the engine and carried by the engine to every thread it runs the task's stages
 * on. The engine-wide {@link StageObserver} reads {@link #current()} on the thread that ran a stage
 * to tell which task the stage belonged to (the server makes each stage a span under the request's
 * span or the batch's).
 *
 * <p>Decision: a {@link ScopedValue}, like {@link CpuAccount}, so no engine method grows a
 * parameter. Executors and new threads do not inherit scoped bindings, so the engine wraps work it
 * hands to another thread with {@link #carried}: the search pool and the ingestion pipeline's embed
 * and index threads. Nothing is bound outside a task; {@link #current()} is then {@link
 * StageObserver#NONE}.
 *
 * <p>Other scoped values a task's work needs on every thread it runs on (the server's call context,
 * which charges a re-ranker's model calls to the searching tenant) are registered once with {@link
 * #alsoCarry} and carried the same way.
 */
public final class TaskObserver {

  private static final ScopedValue<StageObserver> CURRENT = ScopedValue.newInstance();

  private static final List<ScopedValue<?>> ALSO_CARRIED = new CopyOnWriteArrayList<>();

  private TaskObserver() {}

  /** Makes {@link #carried} carry {@code value} too, when it is bound. Idempotent. */
  public static void alsoCarry(ScopedValue<?> value) {
    Objects.requireNonNull(value, "value");
    if (!ALSO_CARRIED.contains(value)) {
      ALSO_CARRIED.add(value);
    }
  }

  /** The bindings to carry from this thread now; null when nothing is bound. */
  private static ScopedValue.Carrier bindings() {
    ScopedValue.Carrier carrier = CURRENT.isBound() ? ScopedValue.where(CURRENT, CURRENT.get()) : null;
    for (ScopedValue<?> value : ALSO_CARRIED) {
      if (value.isBound()) {
        carrier = bind(carrier, value);
      }
    }
    return carrier;
  }

  private static <V> ScopedValue.Carrier bind(ScopedValue.Carrier carrier, ScopedValue<V> value) {
    V v = value.get();
    return carrier == null ? ScopedValue.where(value, v) : carrier.where(value, v);
  }

  /** Runs {@code work} on this thread with {@code observer} bound as the current task's observer. */
  public static <T, X extends Throwable> T observing(StageObserver observer, ScopedValue.CallableOp<? extends T, X> work)
      throws X {
    return ScopedValue.where(CURRENT, Objects.requireNonNull(observer, "observer")).call(work);
  }

  /** The observer bound by the innermost {@link #observing} on this thread, or {@link StageObserver#NONE}. */
  public static StageObserver current() {
    return CURRENT.isBound() ? CURRENT.get() : StageObserver.NONE;
  }

  /**
   * {@code work}, to run on another thread with the observer and the {@link #alsoCarry} values bound
   * on this thread now (if any).
   */
  public static <T> Callable<T> carried(Callable<T> work) {
    Objects.requireNonNull(work, "work");
    ScopedValue.Carrier bindings = bindings();
    if (bindings == null) {
      return work;
    }
    return () -> bindings.call(work::call);
  }

  /**
   * {@code work}, to run on another thread with the observer and the {@link #alsoCarry} values bound
   * on this thread now (if any).
   */
  public static Runnable carried(Runnable work) {
    Objects.requireNonNull(work, "work");
    ScopedValue.Carrier bindings = bindings();
    if (bindings == null) {
      return work;
    }
    return () -> bindings.run(work);
  }
}

package dev.quarry.core.observe;

import java.util.Objects;
import java.util.concurrent.Callable;

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
 */
public final class TaskObserver {

  private static final ScopedValue<StageObserver> CURRENT = ScopedValue.newInstance();

  private TaskObserver() {}

  /** Runs {@code work} on this thread with {@code observer} bound as the current task's observer. */
  public static <T, X extends Throwable> T observing(StageObserver observer, ScopedValue.CallableOp<? extends T, X> work)
      throws X {
    return ScopedValue.where(CURRENT, Objects.requireNonNull(observer, "observer")).call(work);
  }

  /** The observer bound by the innermost {@link #observing} on this thread, or {@link StageObserver#NONE}. */
  public static StageObserver current() {
    return CURRENT.isBound() ? CURRENT.get() : StageObserver.NONE;
  }

  /** {@code work}, to run on another thread with the observer bound on this thread now (if any). */
  public static <T> Callable<T> carried(Callable<T> work) {
    Objects.requireNonNull(work, "work");
    if (!CURRENT.isBound()) {
      return work;
    }
    StageObserver observer = CURRENT.get();
    return () -> ScopedValue.where(CURRENT, observer).call(work::call);
  }

  /** {@code work}, to run on another thread with the observer bound on this thread now (if any). */
  public static Runnable carried(Runnable work) {
    Objects.requireNonNull(work, "work");
    if (!CURRENT.isBound()) {
      return work;
    }
    StageObserver observer = CURRENT.get();
    return () -> ScopedValue.where(CURRENT, observer).run(work);
  }
}

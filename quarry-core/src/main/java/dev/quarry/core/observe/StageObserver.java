package dev.quarry.core.observe;

/**
 * Receives the time each pipeline stage took. Called on the thread that ran the stage, possibly
 * by many threads at once, so implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface StageObserver {

  /** The {@code cpuNanos} of a stage whose CPU time could not be measured (see {@link ThreadCpu}). */
  long CPU_UNKNOWN = -1;

  /**
   * One run of {@code stage}: {@code wallNanos} of elapsed time, and {@code cpuNanos} of CPU time
   * on the thread that ran it plus any CPU charged to it by worker threads ({@link CpuAccount}),
   * or {@link #CPU_UNKNOWN}.
   */
  void record(Stage stage, long wallNanos, long cpuNanos);

  /**
   * One run of {@link Stage#GENERATE} that called a model: the stage's times as {@link #record}
   * takes them, and what the call was. Observers that make spans or GenAI metrics override it; the
   * rest see the stage only.
   */
  default void generation(ModelCall call, long wallNanos, long cpuNanos) {
    record(Stage.GENERATE, wallNanos, cpuNanos);
  }

  /**
   * One tool call of a tool loop, {@code wallNanos} long. Observers that make spans override it;
   * the rest ignore it (a tool call is not a pipeline stage).
   */
  default void toolCall(ToolInvocation call, long wallNanos) {}

  /** Records nothing; stages are not even timed when this is the observer. */
  StageObserver NONE = (stage, wallNanos, cpuNanos) -> {};
}

package dev.quarry.runtime;

/** Counts what the pipeline removed or fell back on, beside the stage times (which go to the {@code StageObserver}). */
public interface AnswerObserver {

  /** {@code count} citation markers named passages that were not in the context, and were removed. */
  void citationsRemoved(int count);

  /** An answer fell back at {@code stage} (see {@link Degradation}). */
  void degraded(String stage);

  AnswerObserver NONE = new AnswerObserver() {
    @Override
    public void citationsRemoved(int count) {}

    @Override
    public void degraded(String stage) {}
  };
}

package dev.quarry.embed.onnx;

import dev.quarry.core.embed.InputKind;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/** One model call waiting for a worker: its kind, when it was submitted, in what order. */
final class BatchTask extends FutureTask<Void> {

  private final InputKind kind;
  private final long sequence;
  private final long submittedNanos;
  private volatile Consumer<BatchTask> onDone = t -> {};
  private boolean handedOut; // guarded by the queue's lock

  BatchTask(Runnable work, InputKind kind, long sequence, long submittedNanos) {
    super(work, null);
    this.kind = kind;
    this.sequence = sequence;
    this.submittedNanos = submittedNanos;
  }

  /** A task whose work may throw a checked exception, which its {@link #get()} reports as the cause. */
  BatchTask(Callable<Void> work, InputKind kind, long sequence, long submittedNanos) {
    super(work);
    this.kind = kind;
    this.sequence = sequence;
    this.submittedNanos = submittedNanos;
  }

  InputKind kind() {
    return kind;
  }

  long sequence() {
    return sequence;
  }

  /** Whether it has waited at least {@code nanos} by {@code now} ({@link System#nanoTime()} may wrap). */
  boolean waited(long nanos, long now) {
    return now - submittedNanos >= nanos;
  }

  /** Marks the task as given to a worker (under the queue's lock). */
  void handOut() {
    handedOut = true;
  }

  /** Whether it was given to a worker (under the queue's lock). */
  boolean handedOut() {
    return handedOut;
  }

  /** Called once the task finished or was cancelled. */
  void onDone(Consumer<BatchTask> callback) {
    this.onDone = callback;
  }

  @Override
  protected void done() {
    onDone.accept(this);
  }
}

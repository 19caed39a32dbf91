package dev.quarry.embed.onnx;

import dev.quarry.core.embed.InputKind;
import java.util.concurrent.FutureTask;

/**
 * One model call waiting for a worker, ordered by deadline: a query batch is due when it is
 * submitted, a document batch {@link #DOCUMENT_GRACE_NANOS} later. So a search overtakes the
 * document batches of a bulk ingest that arrived less than that before it, and is never stuck
 * behind them; but a document batch that has waited that long goes before newer queries, so
 * ingestion keeps moving under a steady search load instead of starving (it did: two 20-document
 * batches took 61 s under 6 searching clients when queries always went first). Equal deadlines
 * run in submission order.
 */
final class BatchTask extends FutureTask<Void> implements Comparable<BatchTask> {

  /** How long a document batch lets later queries overtake it. */
  static final long DOCUMENT_GRACE_NANOS = 200_000_000L;

  private final long deadline;
  private final long sequence;

  BatchTask(Runnable work, InputKind kind, long sequence) {
    this(work, kind, sequence, System.nanoTime());
  }

  BatchTask(Runnable work, InputKind kind, long sequence, long submittedNanos) {
    super(work, null);
    this.deadline = submittedNanos + switch (kind) {
      case QUERY -> 0L;
      case DOCUMENT -> DOCUMENT_GRACE_NANOS;
    };
    this.sequence = sequence;
  }

  @Override
  public int compareTo(BatchTask other) {
    int byDeadline = Long.compare(deadline - other.deadline, 0); // nanoTime may wrap: compare differences
    return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
  }
}

package dev.quarry.embed.onnx;

import dev.quarry.core.embed.InputKind;
import java.util.concurrent.FutureTask;

/**
 * One model call waiting for a worker. Query batches run before document batches, and batches of
 * the same kind in submission order, so a search is not stuck behind a bulk ingest.
 */
final class BatchTask extends FutureTask<Void> implements Comparable<BatchTask> {

  private final InputKind kind;
  private final long sequence;

  BatchTask(Runnable work, InputKind kind, long sequence) {
    super(work, null);
    this.kind = kind;
    this.sequence = sequence;
  }

  @Override
  public int compareTo(BatchTask other) {
    int byKind = Integer.compare(rank(kind), rank(other.kind));
    return byKind != 0 ? byKind : Long.compare(sequence, other.sequence);
  }

  private static int rank(InputKind kind) {
    return switch (kind) {
      case QUERY -> 0;
      case DOCUMENT -> 1;
    };
  }
}

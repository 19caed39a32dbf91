package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.quarry.core.embed.InputKind;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The order in which {@link BatchQueue} gives batches to free sessions. */
class BatchTaskTest {

  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(-50 * MS); // nanoTime may be negative
  private long sequence;

  private BatchTask task(BatchQueue queue, InputKind kind) {
    BatchTask t = new BatchTask(() -> {}, kind, sequence++, now.get());
    queue.offer(t);
    return t;
  }

  @Test
  void queriesGoFirstAndEachKindKeepsItsOrder() {
    BatchQueue queue = new BatchQueue(1, now::get);
    BatchTask d1 = task(queue, InputKind.DOCUMENT);
    BatchTask q1 = task(queue, InputKind.QUERY);
    BatchTask d2 = task(queue, InputKind.DOCUMENT);
    BatchTask q2 = task(queue, InputKind.QUERY);
    assertEquals(q1, queue.poll());
    assertEquals(q2, queue.poll());
    assertEquals(d1, queue.poll(), "no query waits: documents take every free session");
    assertEquals(d2, queue.poll());
    assertNull(queue.poll());
  }

  @Test
  void aDocumentThatWaitedItsGraceGoesFirstButLeavesASessionToQueries() {
    BatchQueue queue = new BatchQueue(1, now::get);
    BatchTask d1 = task(queue, InputKind.DOCUMENT);
    BatchTask d2 = task(queue, InputKind.DOCUMENT);
    now.addAndGet(BatchQueue.DOCUMENT_GRACE_NANOS);
    BatchTask q1 = task(queue, InputKind.QUERY);
    BatchTask q2 = task(queue, InputKind.QUERY);
    assertEquals(d1, queue.poll(), "waited its grace: before the newer query");
    assertEquals(q1, queue.poll(), "one session runs a document: the next goes to a query");
    d1.run(); // finishes: its session is free for documents again
    assertEquals(d2, queue.poll());
    assertEquals(q2, queue.poll());
  }

  @Test
  void cancelledBatchesNeverTakeASessionNorCountAsRunning() {
    BatchQueue queue = new BatchQueue(1, now::get);
    BatchTask gone = task(queue, InputKind.DOCUMENT);
    BatchTask d2 = task(queue, InputKind.DOCUMENT);
    gone.cancel(false);
    now.addAndGet(BatchQueue.DOCUMENT_GRACE_NANOS);
    BatchTask q1 = task(queue, InputKind.QUERY);
    assertEquals(d2, queue.poll(), "the cancelled one is skipped, the next document is due");
    assertEquals(q1, queue.poll());
    assertNull(queue.poll());
  }
}

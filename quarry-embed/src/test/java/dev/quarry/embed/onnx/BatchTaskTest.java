package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.embed.InputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;
import org.junit.jupiter.api.Test;

class BatchTaskTest {

  private static final long MS = 1_000_000L;

  private static List<BatchTask> drain(PriorityBlockingQueue<BatchTask> queue) {
    List<BatchTask> order = new ArrayList<>();
    while (!queue.isEmpty()) {
      order.add(queue.poll());
    }
    return order;
  }

  @Test
  void queriesOvertakeRecentDocumentsAndEachKindKeepsItsOrder() {
    PriorityBlockingQueue<BatchTask> queue = new PriorityBlockingQueue<>();
    List<BatchTask> tasks = new ArrayList<>();
    InputKind[] kinds = {InputKind.DOCUMENT, InputKind.DOCUMENT, InputKind.QUERY, InputKind.DOCUMENT, InputKind.QUERY};
    long t0 = 1_000 * MS;
    for (int i = 0; i < kinds.length; i++) {
      BatchTask task = new BatchTask(() -> {}, kinds[i], i, t0 + i * MS);
      tasks.add(task);
      queue.add(task);
    }
    assertEquals(List.of(tasks.get(2), tasks.get(4), tasks.get(0), tasks.get(1), tasks.get(3)), drain(queue));
  }

  @Test
  void aDocumentBatchThatWaitedItsGraceGoesBeforeNewerQueries() {
    PriorityBlockingQueue<BatchTask> queue = new PriorityBlockingQueue<>();
    long t0 = -5 * MS; // nanoTime may be negative or wrap
    BatchTask document = new BatchTask(() -> {}, InputKind.DOCUMENT, 0, t0);
    BatchTask earlyQuery = new BatchTask(() -> {}, InputKind.QUERY, 1, t0 + BatchTask.DOCUMENT_GRACE_NANOS - MS);
    BatchTask lateQuery = new BatchTask(() -> {}, InputKind.QUERY, 2, t0 + BatchTask.DOCUMENT_GRACE_NANOS + MS);
    queue.add(lateQuery);
    queue.add(document);
    queue.add(earlyQuery);
    assertEquals(List.of(earlyQuery, document, lateQuery), drain(queue));
  }
}

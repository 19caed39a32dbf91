package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.embed.InputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;
import org.junit.jupiter.api.Test;

class BatchTaskTest {

  @Test
  void queriesOvertakeWaitingDocumentsAndEachKindKeepsItsOrder() {
    PriorityBlockingQueue<BatchTask> queue = new PriorityBlockingQueue<>();
    List<BatchTask> tasks = new ArrayList<>();
    InputKind[] kinds = {InputKind.DOCUMENT, InputKind.DOCUMENT, InputKind.QUERY, InputKind.DOCUMENT, InputKind.QUERY};
    for (int i = 0; i < kinds.length; i++) {
      BatchTask task = new BatchTask(() -> {}, kinds[i], i);
      tasks.add(task);
      queue.add(task);
    }
    List<BatchTask> order = new ArrayList<>();
    while (!queue.isEmpty()) {
      order.add(queue.poll());
    }
    assertEquals(List.of(tasks.get(2), tasks.get(4), tasks.get(0), tasks.get(1), tasks.get(3)), order);
  }
}

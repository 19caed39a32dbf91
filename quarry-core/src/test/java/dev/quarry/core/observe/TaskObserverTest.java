package dev.quarry.core.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskObserverTest {

  @Test
  void nothingIsBoundOutsideATask() {
    assertSame(StageObserver.NONE, TaskObserver.current());
  }

  @Test
  void theObserverIsBoundWhileTheTaskRunsOnly() {
    StageObserver task = (stage, wall, cpu) -> {};
    assertSame(task, TaskObserver.observing(task, TaskObserver::current));
    assertSame(StageObserver.NONE, TaskObserver.current());
  }

  @Test
  void carriedWorkSeesTheBindingOnAPoolThreadThatDoesNotInheritIt() throws Exception {
    StageObserver task = (stage, wall, cpu) -> {};
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      pool.submit(() -> {}).get(); // the pool thread exists before the task is bound
      assertSame(StageObserver.NONE, TaskObserver.observing(task, () -> pool.submit(TaskObserver::current).get()),
          "an executor does not inherit the binding");
      assertSame(task, TaskObserver.observing(task,
          () -> pool.submit(TaskObserver.carried(TaskObserver::current)).get()));
      AtomicReference<StageObserver> seen = new AtomicReference<>();
      TaskObserver.observing(task, () -> pool.submit(TaskObserver.carried(() -> seen.set(TaskObserver.current()))).get());
      assertSame(task, seen.get());
      assertSame(StageObserver.NONE, pool.submit(TaskObserver::current).get(), "the binding ends with the carried work");
    }
  }

  @Test
  void aNewThreadRunsCarriedWorkWithTheBinding() throws Exception {
    StageObserver task = (stage, wall, cpu) -> {};
    AtomicReference<StageObserver> seen = new AtomicReference<>();
    Thread t = TaskObserver.observing(task,
        () -> Thread.ofPlatform().start(TaskObserver.carried(() -> seen.set(TaskObserver.current()))));
    t.join();
    assertEquals(task, seen.get());
  }

  static final ScopedValue<String> CALLER = ScopedValue.newInstance();

  @Test
  void aValueRegisteredToBeCarriedIsBoundOnThePoolThreadWithOrWithoutAnObserver() throws Exception {
    TaskObserver.alsoCarry(CALLER);
    TaskObserver.alsoCarry(CALLER);
    StageObserver task = (stage, wall, cpu) -> {};
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      pool.submit(() -> {}).get();
      java.util.concurrent.Callable<String> read = () -> CALLER.isBound() ? CALLER.get() : "unbound";
      assertEquals("unbound", ScopedValue.where(CALLER, "acme").call(() -> pool.submit(read).get()));
      assertEquals("acme", ScopedValue.where(CALLER, "acme").call(() -> pool.submit(TaskObserver.carried(read)).get()));
      assertEquals("globex", ScopedValue.where(CALLER, "globex").call(() -> TaskObserver.observing(task,
          () -> pool.submit(TaskObserver.carried(() -> TaskObserver.current() == task ? read.call() : "no observer")).get())));
      assertEquals("unbound", pool.submit(TaskObserver.carried(read)).get(), "nothing bound, nothing carried");
    }
  }
}

package dev.quarry.core.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class RequestDeadlineTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void withoutADeadlineAComponentKeepsItsOwnTimeout() {
    assertEquals(Optional.empty(), RequestDeadline.current());
    assertEquals(Duration.ofSeconds(30), RequestDeadline.earliest(Duration.ofSeconds(30), NOW));
  }

  @Test
  void theTimeLeftCutsALongerTimeoutButNotAShorterOne() {
    Instant deadline = NOW.plusMillis(400);
    assertEquals(Duration.ofMillis(400),
        RequestDeadline.within(deadline, () -> RequestDeadline.earliest(Duration.ofSeconds(30), NOW)));
    assertEquals(Duration.ofMillis(100),
        RequestDeadline.within(deadline, () -> RequestDeadline.earliest(Duration.ofMillis(100), NOW)));
    assertEquals(Duration.ZERO,
        RequestDeadline.within(deadline, () -> RequestDeadline.earliest(Duration.ofSeconds(1), NOW.plusSeconds(1))),
        "a deadline passed leaves nothing, never a negative time");
    assertEquals(Optional.empty(), RequestDeadline.current(), "the binding ends with the work");
  }

  @Test
  void anInnerDeadlineNeverExtendsAnOuterOne() {
    Instant outer = NOW.plusMillis(200);
    assertEquals(Optional.of(outer), RequestDeadline.within(outer,
        () -> RequestDeadline.within(NOW.plusSeconds(5), RequestDeadline::current)));
    Instant inner = NOW.plusMillis(50);
    assertEquals(Optional.of(inner), RequestDeadline.within(outer,
        () -> RequestDeadline.within(inner, RequestDeadline::current)));
  }

  @Test
  void theDeadlineIsCarriedToThePoolThreadsATaskRunsOn() throws Exception {
    Instant deadline = NOW.plusMillis(300);
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      pool.submit(() -> {}).get(); // the pool thread exists before the deadline is bound
      assertEquals(Optional.of(deadline), RequestDeadline.within(deadline,
          () -> pool.submit(TaskObserver.carried(RequestDeadline::current)).get()));
      assertEquals(Optional.empty(), pool.submit(RequestDeadline::current).get());
    }
  }
}

package dev.quarry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FlushScheduleTest {

  private static final System.Logger LOG = System.getLogger(FlushScheduleTest.class.getName());

  @Test
  void aFailingFlushDoesNotStopTheTimerAndCloseFlushesOnceMoreOnlyOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch afterAFailure = new CountDownLatch(3);
    FlushSchedule s = FlushSchedule.start("test", "test rows", Duration.ofMillis(10), () -> {
      calls.incrementAndGet();
      afterAFailure.countDown();
      if (afterAFailure.getCount() == 2) {
        throw new IllegalStateException("the store refuses writes");
      }
    }, () -> 0, LOG);
    assertTrue(afterAFailure.await(10, TimeUnit.SECONDS), "the timer kept flushing after a failure");
    s.close();
    int atClose = calls.get();
    Thread.sleep(50);
    assertEquals(atClose, calls.get(), "no flush after close");
    s.close();
    assertEquals(atClose, calls.get(), "close is idempotent");
  }

  @Test
  void closeFlushesWhatIsLeftEvenBeforeTheFirstTick() {
    AtomicInteger calls = new AtomicInteger();
    FlushSchedule s = FlushSchedule.start("test", "test rows", Duration.ofHours(1), calls::incrementAndGet, () -> 0, LOG);
    s.close();
    assertEquals(1, calls.get());
  }

  @Test
  void aLastFlushThatFailsIsLoggedNotThrown() {
    FlushSchedule s = FlushSchedule.start("test", "test rows", Duration.ofHours(1), () -> {
      throw new IllegalStateException("down");
    }, () -> 7, LOG);
    s.close();
  }

  @Test
  void theIntervalMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlushSchedule.start("usage", "rows", Duration.ZERO, () -> {}, () -> 0, LOG));
    assertEquals("usage flush interval must be positive, got: PT0S", e.getMessage());
  }
}

package dev.quarry.store.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryPolicyProperties {

  @Property(tries = 300)
  void delaysGrowWithinTheirBoundsUntilAttemptsRunOut(
      @ForAll @IntRange(min = 1, max = 20) int maxAttempts,
      @ForAll @LongRange(min = 1, max = 60_000) long initialMillis,
      @ForAll @LongRange(min = 0, max = 600_000) long extraMillis,
      @ForAll @DoubleRange(min = 1.0, max = 10.0) double multiplier) {
    RetryPolicy policy = new RetryPolicy(maxAttempts, Duration.ofMillis(initialMillis),
        Duration.ofMillis(initialMillis + extraMillis), multiplier);
    Duration previous = Duration.ZERO;
    for (int failed = 1; failed < maxAttempts; failed++) {
      Duration d = policy.delayAfter(failed).orElseThrow();
      assertTrue(d.compareTo(previous) >= 0, "non-decreasing");
      assertTrue(d.compareTo(policy.initialDelay()) >= 0, "at least the initial delay");
      assertTrue(d.compareTo(policy.maxDelay()) <= 0, "at most the cap");
      previous = d;
    }
    assertEquals(Optional.empty(), policy.delayAfter(maxAttempts));
    assertEquals(Optional.empty(), policy.delayAfter(maxAttempts + 1));
  }

  @Test
  void theDefaultDoublesFromOneSecond() {
    assertEquals(Optional.of(Duration.ofSeconds(1)), RetryPolicy.DEFAULT.delayAfter(1));
    assertEquals(Optional.of(Duration.ofSeconds(8)), RetryPolicy.DEFAULT.delayAfter(4));
    assertEquals(Optional.empty(), RetryPolicy.DEFAULT.delayAfter(5));
  }

  @Test
  void badSettingsAreRefusedWithTheRule() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 2));
    assertEquals("retry maxAttempts must be at least 1, got: 0", e.getMessage());
    assertThrows(InvalidInputException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
    assertThrows(InvalidInputException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5));
  }
}

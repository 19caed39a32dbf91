package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalsTest {

  @Test
  void theRampIsOneChatCycleByDefault() {
    ChatBenchmark.Options o = ChatBenchmark.Options.parse(new String[0]);
    assertEquals(Duration.ofMillis(1300), o.arrivals().ramp());
    assertEquals(Duration.ZERO, o.arrivals().jitter());
    ChatBenchmark.Options slow = ChatBenchmark.Options.parse(new String[] {"--first-token-ms", "200",
        "--tokens-per-second", "20", "--tokens", "10"});
    assertEquals(Duration.ofMillis(700), slow.arrivals().ramp());
    ChatBenchmark.Options instant = ChatBenchmark.Options.parse(new String[] {"--tokens-per-second", "0"});
    assertEquals(Duration.ofMillis(300), instant.arrivals().ramp());
  }

  @Test
  void clientsStartSpreadEvenlyOverTheRamp() {
    Arrivals a = ChatBenchmark.Options.parse(new String[] {"--ramp", "3200ms"}).arrivals();
    List<Duration> starts = new ArrayList<>();
    for (int c = 0; c < 32; c++) {
      starts.add(a.start(c, 32));
    }
    assertEquals(Duration.ZERO, starts.getFirst());
    assertEquals(Duration.ofMillis(3100), starts.getLast());
    for (int c = 1; c < 32; c++) {
      assertEquals(Duration.ofMillis(100), starts.get(c).minus(starts.get(c - 1)));
    }
  }

  @Test
  void aZeroRampStartsEveryClientAtOnce() {
    Arrivals a = ChatBenchmark.Options.parse(new String[] {"--ramp", "0"}).arrivals();
    for (int c = 0; c < 32; c++) {
      assertEquals(Duration.ZERO, a.start(c, 32));
    }
  }

  @Test
  void thinkTimesAreWithinTheJitterAndTheSameForTheSameSeed() {
    Arrivals a = ChatBenchmark.Options.parse(new String[] {"--jitter", "200ms", "--seed", "7"}).arrivals();
    List<Long> first = draw(a, 3);
    assertEquals(first, draw(new Arrivals(a.ramp(), a.jitter(), 7), 3));
    assertNotEquals(first, draw(new Arrivals(a.ramp(), a.jitter(), 8), 3));
    assertNotEquals(first, draw(a, 4));
    assertTrue(first.stream().allMatch(n -> n >= 0 && n <= 200_000_000L), first.toString());
    assertTrue(first.stream().distinct().count() > 90, "think times should vary");
    assertEquals(List.of(0L, 0L, 0L), draw(new Arrivals(Duration.ZERO, Duration.ZERO, 7), 3).subList(0, 3));
  }

  @Test
  void negativeOrUnitlessTimesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Arrivals(Duration.ofMillis(-1), Duration.ZERO, 1));
    assertThrows(IllegalArgumentException.class, () -> new Arrivals(Duration.ZERO, Duration.ofMillis(-1), 1));
    assertThrows(IllegalArgumentException.class, () -> ChatBenchmark.Options.parse(new String[] {"--ramp", "5"}));
    assertThrows(IllegalArgumentException.class, () -> new Arrivals(Duration.ZERO, Duration.ZERO, 1).start(3, 3));
  }

  private static List<Long> draw(Arrivals a, int client) {
    Arrivals.ThinkTimes t = a.thinkTimes(1, client);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      out.add(t.nextNanos());
    }
    return out;
  }
}

package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadTimesTest {

  private static String stat(long tid, String name, long utime, long stime) {
    return tid + " (" + name + ") S 1 1 1 0 -1 4194368 1 0 0 0 " + utime + " " + stime + " 0 0 20 0 30 0 123 0 0";
  }

  @Test
  void readsNameAndUserPlusSystemTicksEvenWithSpacesAndParenthesesInTheName() {
    assertEquals(new ThreadTimes.Sample("C2 CompilerThre", 130), ThreadTimes.parseStat(stat(7, "C2 CompilerThre", 100, 30)));
    assertEquals(new ThreadTimes.Sample("a) (b", 5), ThreadTimes.parseStat(stat(8, "a) (b", 2, 3)));
    assertThrows(IllegalArgumentException.class, () -> ThreadTimes.parseStat("12 (x) S 1"));
  }

  @Test
  void groupsThreadsByNameWithoutTheirNumbersAndCountsOnlyThePhase() {
    ThreadTimes before = new ThreadTimes(Map.of(
        1L, ThreadTimes.parseStat(stat(1, "quarry-search-1", 100, 0)),
        2L, ThreadTimes.parseStat(stat(2, "quarry-search-2", 50, 0)),
        3L, ThreadTimes.parseStat(stat(3, "GC Thread#0", 10, 0)),
        4L, ThreadTimes.parseStat(stat(4, "ended-thread", 10, 0))));
    ThreadTimes after = new ThreadTimes(Map.of(
        1L, ThreadTimes.parseStat(stat(1, "quarry-search-1", 300, 50)),
        2L, ThreadTimes.parseStat(stat(2, "quarry-search-2", 60, 0)),
        3L, ThreadTimes.parseStat(stat(3, "GC Thread#0", 11, 0)),
        5L, ThreadTimes.parseStat(stat(5, "quarry-search-3", 40, 0)))); // started during the phase

    Map<String, Double> seconds = after.secondsByGroupSince(before);

    assertEquals(List.of("quarry-search-N", "GC Thread#N"), List.copyOf(seconds.keySet()), "largest first");
    assertEquals(3.0, seconds.get("quarry-search-N"), 1e-9); // 2.5 + 0.1 + 0.4
    assertEquals(0.01, seconds.get("GC Thread#N"), 1e-9);
  }

  @Test
  void seesTheCpuOfANamedThreadOfThisProcess() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
    long pid = ProcessHandle.current().pid();
    ThreadTimes before = ThreadTimes.of(pid);
    AtomicBoolean stop = new AtomicBoolean();
    long[] sink = new long[1];
    Thread burner = Thread.ofPlatform().name("burner-7").start(() -> {
      long x = 0;
      while (!stop.get()) {
        x += x * 31 + 7;
      }
      sink[0] = x;
    });
    double seen = 0;
    try {
      // read while the thread runs (an ended thread is no longer listed), until a tick of it shows
      for (long until = System.nanoTime() + 10_000_000_000L; seen == 0 && System.nanoTime() < until; Thread.sleep(20)) {
        seen = ThreadTimes.of(pid).secondsByGroupSince(before).getOrDefault("burner-N", 0.0);
      }
    } finally {
      stop.set(true);
      burner.join();
    }
    assertTrue(seen > 0 && seen < 10.5, "burner-N: " + seen + " s " + sink[0]);
  }
}

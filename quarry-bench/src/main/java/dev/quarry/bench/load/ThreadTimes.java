package dev.quarry.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU time of each thread of a process, read from {@code /proc/<pid>/task/<tid>/stat}
 * ({@code utime + stime}, in clock ticks of 10 ms), so a phase's CPU can be split by thread without
 * touching the process: the JIT's compiler threads, the GC's, the virtual-thread carriers that run
 * the HTTP requests, the searcher's and the model's threads. Threads are grouped by name with digits
 * replaced by {@code N} ({@code quarry-search-3} is {@code quarry-search-N}); Linux keeps the first
 * 15 characters of a name.
 */
final class ThreadTimes {

  /** Linux's USER_HZ, the unit of utime and stime: 100 on every mainstream architecture. */
  static final long TICKS_PER_SECOND = 100;

  /** A thread's name and its CPU ticks so far. */
  record Sample(String name, long ticks) {}

  private final Map<Long, Sample> threads;

  ThreadTimes(Map<Long, Sample> threads) {
    this.threads = Map.copyOf(threads);
  }

  /** Reads every thread of {@code pid}; empty off Linux. */
  static ThreadTimes of(long pid) throws IOException {
    Map<Long, Sample> out = new HashMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return new ThreadTimes(out);
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        try {
          out.put(Long.parseLong(task.getFileName().toString()), parseStat(Files.readString(task.resolve("stat"))));
        } catch (NoSuchFileException e) {
          // the thread ended while we listed the others
        }
      }
    }
    return new ThreadTimes(out);
  }

  /** Name and {@code utime + stime} of one {@code stat} line; the name is between the first '(' and the last ')'. */
  static Sample parseStat(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc stat line: '" + ApiClient.abbreviate(stat) + "'");
    }
    String[] f = stat.substring(close + 2).trim().split("\\s+");
    // f[0] is field 3 (state); utime and stime are fields 14 and 15
    if (f.length < 13) {
      throw new IllegalArgumentException("a /proc stat line with too few fields: '" + ApiClient.abbreviate(stat) + "'");
    }
    return new Sample(stat.substring(open + 1, close), Long.parseLong(f[11]) + Long.parseLong(f[12]));
  }

  /** {@code quarry-search-12} and {@code quarry-search-3} are one group, {@code quarry-search-N}. */
  static String group(String threadName) {
    return threadName.replaceAll("[0-9]+", "N");
  }

  /**
   * CPU seconds by thread group from {@code before} to this reading, largest first. A thread that
   * ended in between is missing (its time is in the process total only); one that started counts
   * from zero.
   */
  Map<String, Double> secondsByGroupSince(ThreadTimes before) {
    Map<String, Long> ticks = new HashMap<>();
    threads.forEach((tid, t) -> {
      Sample earlier = before.threads.get(tid);
      long start = earlier != null && earlier.name().equals(t.name()) ? earlier.ticks() : 0;
      ticks.merge(group(t.name()), t.ticks() - start, Long::sum);
    });
    Map<String, Double> out = new LinkedHashMap<>();
    ticks.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() / (double) TICKS_PER_SECOND));
    return out;
  }
}

package dev.quarry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a benchmark prints beside its numbers: cores, load average, this process's peak RSS. */
public final class Machine {

  private Machine() {}

  public static String describe() {
    return String.format(Locale.ROOT, "machine: %d cores, load average %s, peak RSS %d MB, java %s",
        Runtime.getRuntime().availableProcessors(), loadAverage(), peakRssKb() / 1024,
        System.getProperty("java.version"));
  }

  /** CPU time this process has used, all threads, in nanoseconds. */
  public static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "n/a" off Linux. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  /** VmHWM from /proc/self/status: the peak resident set size, in KB; 0 when unknown. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}

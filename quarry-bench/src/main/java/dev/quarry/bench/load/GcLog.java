package dev.quarry.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap after each collection, from a JVM's {@code -Xlog:gc:file=PATH:uptime} log: lines such as
 * {@code [12.345s] GC(3) Pause Young (Allocation Failure) 100M->20M(245M) 5.123ms}. After a young
 * collection the heap holds the old generation and the survivors, so a heap that keeps what it
 * should not shows as a rising floor of these values.
 */
record GcLog(List<Collection> collections) {

  /** One collection: seconds since the JVM started, its kind, and the heap after it in MiB. */
  record Collection(double uptimeSeconds, String kind, double afterMib) {}

  private static final Pattern LINE = Pattern.compile(
      "^\\[(\\d+(?:\\.\\d+)?)s\\].*GC\\(\\d+\\) (Pause \\w+).*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  GcLog {
    collections = List.copyOf(collections);
  }

  static GcLog parse(String log) {
    List<Collection> out = new ArrayList<>();
    for (String line : log.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        out.add(new Collection(Double.parseDouble(m.group(1)), m.group(2), mib(m.group(5), m.group(6))));
      }
    }
    return new GcLog(out);
  }

  private static double mib(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }

  /** The collections from {@code fromSeconds} (JVM uptime) on, before {@code toSeconds}. */
  List<Collection> between(double fromSeconds, double toSeconds) {
    return collections.stream().filter(c -> c.uptimeSeconds() >= fromSeconds && c.uptimeSeconds() < toSeconds).toList();
  }

  /**
   * The lowest heap after a collection in each window of {@code stepSeconds} from {@code from} to
   * {@code to} (NaN for a window without a collection): the floor the live data sets. A remainder
   * shorter than a step belongs to the last window (a 61.3 s phase is six windows, the last 11.3 s),
   * so no window is too short to hold a collection.
   */
  double[] floorByWindow(double from, double to, double stepSeconds) {
    int n = to > from ? Math.max(1, (int) Math.floor((to - from) / stepSeconds)) : 0;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double a = from + i * stepSeconds;
      double b = i == n - 1 ? to : a + stepSeconds;
      out[i] = between(a, b).stream().mapToDouble(Collection::afterMib).min().orElse(Double.NaN);
    }
    return out;
  }
}

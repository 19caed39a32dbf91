package dev.quarry.bench.load;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One reading of a Prometheus text exposition ({@code GET /metrics}): every sample by its series,
 * the metric name and its labels in a canonical order, so a series is found whatever order the
 * server printed its labels in. Comment lines are skipped; a sample line that cannot be read is an
 * error naming its line number.
 */
final class PrometheusScrape {

  private final Map<String, Double> samples;

  private PrometheusScrape(Map<String, Double> samples) {
    this.samples = samples;
  }

  static PrometheusScrape parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new TreeMap<>();
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
          name = line.substring(0, brace);
          int end = readLabels(line, brace + 1, labels);
          rest = line.substring(end + 1);
        } else if (space > 0) {
          name = line.substring(0, space);
          rest = line.substring(space);
        } else {
          throw new IllegalArgumentException("no value");
        }
        String[] value = rest.strip().split("\\s+"); // value, then an optional timestamp
        if (name.isEmpty() || value[0].isEmpty()) {
          throw new IllegalArgumentException("no metric name or no value");
        }
        samples.put(key(name, labels), number(value[0]));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("metrics line " + (i + 1) + " is not a sample (" + e.getMessage() + "): '"
            + line + "'", e);
      }
    }
    return new PrometheusScrape(samples);
  }

  /** The sample of an unlabelled series. */
  OptionalDouble find(String name) {
    return find(name, Map.of());
  }

  /** The sample of the series with exactly these labels. */
  OptionalDouble find(String name, Map<String, String> labels) {
    Double v = samples.get(key(name, new TreeMap<>(labels)));
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** The sample, which must be there. */
  double value(String name, Map<String, String> labels) {
    return find(name, labels).orElseThrow(() -> new IllegalStateException(
        "the server's /metrics has no series " + key(name, new TreeMap<>(labels))));
  }

  double value(String name) {
    return value(name, Map.of());
  }

  /** How much a counter grew from {@code before} to this reading. */
  double increase(PrometheusScrape before, String name, Map<String, String> labels) {
    return value(name, labels) - before.value(name, labels);
  }

  int size() {
    return samples.size();
  }

  /** Reads {@code a="x",b="y"} from {@code from}; returns the index of the closing brace. */
  private static int readLabels(String line, int from, Map<String, String> labels) {
    int i = from;
    while (true) {
      while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
        i++;
      }
      if (i >= line.length()) {
        throw new IllegalArgumentException("unclosed '{'");
      }
      if (line.charAt(i) == '}') {
        return i;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("label without =\"value\" at column " + (i + 1));
      }
      String label = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      if (j >= line.length()) {
        throw new IllegalArgumentException("unclosed label value of '" + label + "'");
      }
      labels.put(label, value.toString());
      i = j + 1;
    }
  }

  private static double number(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static String key(String name, Map<String, String> sortedLabels) {
    if (sortedLabels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    sortedLabels.forEach((k, v) -> b.append(k).append('=').append('"').append(v.replace("\\", "\\\\")
        .replace("\"", "\\\"").replace("\n", "\\n")).append('"').append(','));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }
}

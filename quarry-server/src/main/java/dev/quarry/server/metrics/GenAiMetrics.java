package dev.quarry.server.metrics;

import dev.quarry.core.observe.ModelCall;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The answer pipeline's series: OpenTelemetry's GenAI client metrics as Prometheus names them
 * (dots become underscores, seconds and the unit suffix as the OpenTelemetry-to-Prometheus mapping
 * does), with the buckets the semantic conventions advise, and Quarry's own counters of removed
 * citation markers and degraded answers. Labels: operation and requested model (and token type).
 */
final class GenAiMetrics {

  static final double[] TOKEN_BUCKETS = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
  };
  static final double[] DURATION_BUCKETS = {
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92
  };
  static final double[] FIRST_TOKEN_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
  };

  /** Cumulative-at-render histogram over arbitrary bucket bounds. */
  private static final class Histogram {
    final double[] bounds;
    final LongAdder[] counts;
    final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new LongAdder[bounds.length + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double value) {
      int i = 0;
      while (i < bounds.length && value > bounds[i]) {
        i++;
      }
      counts[i].increment();
      sum.add(value);
    }

    void render(StringBuilder out, String name, String labels) {
      long cumulative = 0;
      for (int i = 0; i <= bounds.length; i++) {
        cumulative += counts[i].sum();
        String le = i < bounds.length ? number(bounds[i]) : "+Inf";
        out.append(name).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
            .append(cumulative).append('\n');
      }
      out.append(name).append("_sum{").append(labels).append("} ").append(number(sum.sum())).append('\n');
      out.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
    }
  }

  private final Map<String, Histogram> tokens = new ConcurrentSkipListMap<>();
  private final Map<String, Histogram> durations = new ConcurrentSkipListMap<>();
  private final Map<String, Histogram> firstTokens = new ConcurrentSkipListMap<>();
  private final LongAdder citationsRemoved = new LongAdder();
  private final Map<String, LongAdder> degraded = new ConcurrentHashMap<>();

  void record(ModelCall call, long wallNanos) {
    String labels = label(MetricNames.LABEL_GEN_AI_OPERATION, call.operation()) + ","
        + label(MetricNames.LABEL_GEN_AI_MODEL, call.requestModel());
    tokens.computeIfAbsent(labels + "," + label(MetricNames.LABEL_GEN_AI_TOKEN_TYPE, "input"),
        k -> new Histogram(TOKEN_BUCKETS)).observe(call.inputTokens());
    tokens.computeIfAbsent(labels + "," + label(MetricNames.LABEL_GEN_AI_TOKEN_TYPE, "output"),
        k -> new Histogram(TOKEN_BUCKETS)).observe(call.outputTokens());
    durations.computeIfAbsent(labels, k -> new Histogram(DURATION_BUCKETS)).observe(Math.max(0, wallNanos) / 1e9);
    call.timeToFirstToken().ifPresent(t ->
        firstTokens.computeIfAbsent(labels, k -> new Histogram(FIRST_TOKEN_BUCKETS)).observe(t.toNanos() / 1e9));
  }

  void citationsRemoved(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got: " + count);
    }
    citationsRemoved.add(count);
  }

  void degraded(String stage) {
    degraded.computeIfAbsent(stage, s -> new LongAdder()).increment();
  }

  void render(StringBuilder out) {
    header(out, MetricNames.GEN_AI_TOKEN_USAGE, "histogram", "Tokens used per model call, by type (input, output).");
    tokens.forEach((labels, h) -> h.render(out, MetricNames.GEN_AI_TOKEN_USAGE, labels));
    header(out, MetricNames.GEN_AI_OPERATION_DURATION, "histogram", "Wall time of each model call.");
    durations.forEach((labels, h) -> h.render(out, MetricNames.GEN_AI_OPERATION_DURATION, labels));
    header(out, MetricNames.GEN_AI_TIME_TO_FIRST_TOKEN, "histogram", "Time to the first token of streamed model calls.");
    firstTokens.forEach((labels, h) -> h.render(out, MetricNames.GEN_AI_TIME_TO_FIRST_TOKEN, labels));
    header(out, MetricNames.CITATIONS_REMOVED, "counter", "Citation markers naming no passage of the context, removed.");
    out.append(MetricNames.CITATIONS_REMOVED).append(' ').append(citationsRemoved.sum()).append('\n');
    header(out, MetricNames.ANSWERS_DEGRADED, "counter", "Answers that fell back, by the stage where it happened.");
    new java.util.TreeMap<>(degraded).forEach((stage, n) -> out.append(MetricNames.ANSWERS_DEGRADED).append('{')
        .append(label(MetricNames.LABEL_STAGE, stage)).append("} ").append(n.sum()).append('\n'));
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String label(String name, String value) {
    return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}

package dev.quarry.server.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory {@link Metrics} registry that renders the Prometheus text exposition format
 * (version 0.0.4) itself.
 *
 * <p>Decisions: no client library (the format is a few lines of text); latency buckets from 1 ms to
 * 10 s in roughly 1-2.5-5 steps so P50 and P95 can be read with {@code histogram_quantile}; series
 * are kept in sorted maps so the output is stable; label cardinality is bounded because routes are
 * templates, methods and statuses are few, and codes come from the taxonomy.
 */
public final class PrometheusMetrics implements Metrics {

  /** The Content-Type of {@link #render()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private record SeriesKey(String route, String method, int status) implements Comparable<SeriesKey> {
    @Override
    public int compareTo(SeriesKey o) {
      int c = route.compareTo(o.route);
      if (c == 0) {
        c = method.compareTo(o.method);
      }
      return c != 0 ? c : Integer.compare(status, o.status);
    }
  }

  /** One histogram series: non-cumulative bucket counts (the last is +Inf), sum in nanoseconds. */
  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
    final LongAdder sumNanos = new LongAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(long nanos) {
      double seconds = nanos / 1e9;
      int i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]) {
        i++;
      }
      counts[i].increment();
      sumNanos.add(nanos);
    }
  }

  private final Map<SeriesKey, Histogram> requests = new ConcurrentSkipListMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong documentsIndexed = new AtomicLong();

  @Override
  public void requestCompleted(String route, String method, int status, Duration duration) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(method, "method");
    requests.computeIfAbsent(new SeriesKey(route, method, status), k -> new Histogram())
        .observe(Math.max(0, duration.toNanos()));
  }

  @Override
  public void errorRaised(String code) {
    errors.computeIfAbsent(Objects.requireNonNull(code, "code"), k -> new LongAdder()).increment();
  }

  @Override
  public void documentsIndexed(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got: " + count);
    }
    documentsIndexed.addAndGet(count);
  }

  /** The current values in the Prometheus text format. */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    String h = MetricNames.REQUEST_DURATION;
    out.append("# HELP ").append(h).append(" HTTP request latency by route template, method and status.\n");
    out.append("# TYPE ").append(h).append(" histogram\n");
    requests.forEach((key, histogram) -> {
      String labels = label(MetricNames.LABEL_ROUTE, key.route()) + ","
          + label(MetricNames.LABEL_METHOD, key.method()) + ","
          + label(MetricNames.LABEL_STATUS, Integer.toString(key.status()));
      long cumulative = 0;
      for (int i = 0; i <= BUCKETS.length; i++) {
        cumulative += histogram.counts[i].sum();
        String le = i < BUCKETS.length ? number(BUCKETS[i]) : "+Inf";
        out.append(h).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
            .append(cumulative).append('\n');
      }
      out.append(h).append("_sum{").append(labels).append("} ")
          .append(number(histogram.sumNanos.sum() / 1e9)).append('\n');
      out.append(h).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
    });
    out.append("# HELP ").append(MetricNames.ERRORS).append(" Failed requests by error taxonomy code.\n");
    out.append("# TYPE ").append(MetricNames.ERRORS).append(" counter\n");
    new java.util.TreeMap<>(errors).forEach((code, n) -> out.append(MetricNames.ERRORS).append('{')
        .append(label(MetricNames.LABEL_CODE, code)).append("} ").append(n.sum()).append('\n'));
    out.append("# HELP ").append(MetricNames.DOCUMENTS_INDEXED).append(" Documents indexed since start.\n");
    out.append("# TYPE ").append(MetricNames.DOCUMENTS_INDEXED).append(" counter\n");
    out.append(MetricNames.DOCUMENTS_INDEXED).append(' ').append(documentsIndexed.get()).append('\n');
    return out.toString();
  }

  private static String label(String name, String value) {
    return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}

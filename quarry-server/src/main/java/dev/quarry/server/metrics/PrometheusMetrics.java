package dev.quarry.server.metrics;

import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.CacheObserver;
import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.Stage;
import dev.quarry.llm.route.BreakerStatus;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.runtime.AnswerObserver;
import dev.quarry.runtime.metering.MeteringObserver;
import dev.quarry.store.document.DocumentState;
import dev.quarry.store.document.QueueCounts;
import dev.quarry.store.tenant.TenantId;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * An in-memory {@link Metrics} registry that renders the Prometheus text exposition format
 * (version 0.0.4) itself. It is also the engine's {@link StageObserver} and {@link CacheObserver}.
 *
 * <p>The JVM and process series ({@code jvm_memory_*}, {@code jvm_gc_collection_seconds}, {@code
 * jvm_threads_*}, {@code process_open_fds}, {@code process_cpu_seconds_total}, ...) come from the
 * Prometheus Java client's JVM instrumentation ({@link JvmMetrics}), registered on a registry of
 * this instance's own (never the client's global default) and written after Quarry's series.
 *
 * <p>Decisions: Quarry's own series are rendered here without a client library (the format is a
 * few lines of text), while the JVM's come from the client, which reads every memory pool, collector
 * and buffer pool the running JVM has, under the names dashboards for JVMs already use; latency buckets from 1 ms to
 * 10 s in roughly 1-2.5-5 steps so P50 and P95 can be read with {@code histogram_quantile}, and
 * from 50 us for stages, which are often shorter than a millisecond; series are kept in sorted maps
 * so the output is stable; every stage and cache series exists from the start (at zero) so rates
 * can be taken at once; label cardinality is bounded because routes are templates, methods and
 * statuses are few, codes come from the taxonomy, and stages and caches are enums.
 *
 * <p>The ingestion gauges are read from the store at each scrape ({@link QueueCounts}), one query
 * over every document's state: what they show is never stale, and nothing has to be kept in step
 * with the ingestion code. When the store does not answer they are left out of that scrape (and the
 * failure logged), so a dashboard sees a gap rather than a wrong zero.
 */
public final class PrometheusMetrics implements Metrics, StageObserver, CacheObserver, AnswerObserver,
    MeteringObserver {

  private static final System.Logger LOG = System.getLogger(PrometheusMetrics.class.getName());

  /** The Content-Type of {@link #render()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Writes the JVM series: the text format 0.0.4, without the optional {@code _created} series. */
  private static final PrometheusTextFormatWriter JVM_WRITER =
      PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(false).build();

  static final double[] STAGE_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
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
    final double[] buckets;
    final LongAdder[] counts;
    final LongAdder sumNanos = new LongAdder();

    Histogram(double[] buckets) {
      this.buckets = buckets;
      this.counts = new LongAdder[buckets.length + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(long nanos) {
      double seconds = nanos / 1e9;
      int i = 0;
      while (i < buckets.length && seconds > buckets[i]) {
        i++;
      }
      counts[i].increment();
      sumNanos.add(nanos);
    }
  }

  /** Time and CPU of one stage. */
  private static final class StageSeries {
    final Histogram wall = new Histogram(STAGE_BUCKETS);
    final LongAdder cpuNanos = new LongAdder();
    final LongAdder cpuUnmeasured = new LongAdder();
  }

  private final Map<SeriesKey, Histogram> requests = new ConcurrentSkipListMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong documentsIndexed = new AtomicLong();
  private final Map<Stage, StageSeries> stages = new EnumMap<>(Stage.class);
  private final Map<CacheName, LongAdder[]> caches = new EnumMap<>(CacheName.class);
  private final Optional<Supplier<QueueCounts>> ingestQueue;
  private final PrometheusRegistry jvm = new PrometheusRegistry();
  private final GenAiMetrics genAi = new GenAiMetrics();
  private volatile Supplier<List<BreakerStatus>> breakers = List::of;

  /** Renders the models' circuit breakers from {@code source} at each scrape (none until this is called). */
  public void watchBreakers(Supplier<List<BreakerStatus>> source) {
    breakers = Objects.requireNonNull(source, "source");
  }
  private final LedgerMetrics ledger = new LedgerMetrics();

  /** A registry without ingestion gauges. */
  public PrometheusMetrics() {
    this(Optional.empty());
  }

  /** A registry that renders the ingestion gauges from {@code ingestQueue}, called at each scrape. */
  public PrometheusMetrics(Supplier<QueueCounts> ingestQueue) {
    this(Optional.of(ingestQueue));
  }

  private PrometheusMetrics(Optional<Supplier<QueueCounts>> ingestQueue) {
    this.ingestQueue = ingestQueue;
    JvmMetrics.builder().register(jvm);
    for (Stage stage : Stage.values()) {
      stages.put(stage, new StageSeries());
    }
    for (CacheName cache : CacheName.values()) {
      caches.put(cache, new LongAdder[] {new LongAdder(), new LongAdder()});
    }
  }

  @Override
  public void requestCompleted(String route, String method, int status, Duration duration) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(method, "method");
    requests.computeIfAbsent(new SeriesKey(route, method, status), k -> new Histogram(BUCKETS))
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

  /**
   * {@inheritDoc}
   *
   * <p>The wall time goes to the stage's histogram; the CPU time to its counter, or, when unknown,
   * one more to its unmeasured counter.
   */
  @Override
  public void record(Stage stage, long wallNanos, long cpuNanos) {
    StageSeries series = stages.get(Objects.requireNonNull(stage, "stage"));
    series.wall.observe(Math.max(0, wallNanos));
    if (cpuNanos >= 0) {
      series.cpuNanos.add(cpuNanos);
    } else {
      series.cpuUnmeasured.increment();
    }
  }

  /** The stage, and the call's tokens, duration and time to first token under OpenTelemetry's GenAI metric names. */
  @Override
  public void generation(ModelCall call, long wallNanos, long cpuNanos) {
    record(Stage.GENERATE, wallNanos, cpuNanos);
    genAi.record(call, wallNanos);
  }

  @Override
  public void charged(TenantId tenant, String model, TokenUsage usage, long costNanos) {
    ledger.charged(tenant, model, usage, costNanos);
  }

  @Override
  public void refused(TenantId tenant, String budget) {
    ledger.refused(tenant, budget);
  }

  @Override
  public void citationsRemoved(int count) {
    genAi.citationsRemoved(count);
  }

  @Override
  public void degraded(String stage) {
    genAi.degraded(stage);
  }

  @Override
  public void lookups(CacheName cache, int hits, int misses) {
    if (hits < 0 || misses < 0) {
      throw new IllegalArgumentException("cache lookups must not be negative, got hits " + hits + ", misses " + misses);
    }
    LongAdder[] counts = caches.get(Objects.requireNonNull(cache, "cache"));
    counts[0].add(hits);
    counts[1].add(misses);
  }

  /** The current values in the Prometheus text format. */
  public String render() {
    StringBuilder out = new StringBuilder(8192);
    String h = MetricNames.REQUEST_DURATION;
    out.append("# HELP ").append(h).append(" HTTP request latency by route template, method and status.\n");
    out.append("# TYPE ").append(h).append(" histogram\n");
    requests.forEach((key, histogram) -> histogram(out, h, label(MetricNames.LABEL_ROUTE, key.route()) + ","
        + label(MetricNames.LABEL_METHOD, key.method()) + ","
        + label(MetricNames.LABEL_STATUS, Integer.toString(key.status())), histogram));
    String sd = MetricNames.STAGE_DURATION;
    out.append("# HELP ").append(sd).append(" Wall time of each ingestion and search stage.\n");
    out.append("# TYPE ").append(sd).append(" histogram\n");
    stages.forEach((stage, series) -> histogram(out, sd, label(MetricNames.LABEL_STAGE, stage.wireName()), series.wall));
    counter(out, MetricNames.STAGE_CPU, "CPU time of each stage: its own thread and the model workers it waited for.");
    stages.forEach((stage, series) -> out.append(MetricNames.STAGE_CPU).append('{')
        .append(label(MetricNames.LABEL_STAGE, stage.wireName())).append("} ")
        .append(number(series.cpuNanos.sum() / 1e9)).append('\n'));
    counter(out, MetricNames.STAGE_CPU_UNMEASURED, "Stage runs whose CPU time could not be measured (virtual threads).");
    stages.forEach((stage, series) -> out.append(MetricNames.STAGE_CPU_UNMEASURED).append('{')
        .append(label(MetricNames.LABEL_STAGE, stage.wireName())).append("} ")
        .append(series.cpuUnmeasured.sum()).append('\n'));
    counter(out, MetricNames.CACHE_REQUESTS, "Cache lookups by cache and result.");
    caches.forEach((cache, counts) -> {
      for (int i = 0; i < 2; i++) {
        out.append(MetricNames.CACHE_REQUESTS).append('{').append(label(MetricNames.LABEL_CACHE, cache.wireName()))
            .append(',').append(label(MetricNames.LABEL_RESULT, i == 0 ? MetricNames.RESULT_HIT : MetricNames.RESULT_MISS))
            .append("} ").append(counts[i].sum()).append('\n');
      }
    });
    out.append("# HELP ").append(MetricNames.ERRORS).append(" Failed requests by error taxonomy code.\n");
    out.append("# TYPE ").append(MetricNames.ERRORS).append(" counter\n");
    new java.util.TreeMap<>(errors).forEach((code, n) -> out.append(MetricNames.ERRORS).append('{')
        .append(label(MetricNames.LABEL_CODE, code)).append("} ").append(n.sum()).append('\n'));
    out.append("# HELP ").append(MetricNames.DOCUMENTS_INDEXED).append(" Documents indexed since start.\n");
    out.append("# TYPE ").append(MetricNames.DOCUMENTS_INDEXED).append(" counter\n");
    out.append(MetricNames.DOCUMENTS_INDEXED).append(' ').append(documentsIndexed.get()).append('\n');
    ingestQueue.ifPresent(source -> ingestGauges(out, source));
    breakerGauges(out, breakers.get());
    out.append(jvmSeries());
    genAi.render(out);
    ledger.render(out);
    return out.toString();
  }

  /** The JVM and process series, in the same text format. */
  private String jvmSeries() {
    ByteArrayOutputStream text = new ByteArrayOutputStream(16384);
    try {
      JVM_WRITER.write(text, jvm.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  private static void ingestGauges(StringBuilder out, Supplier<QueueCounts> source) {
    QueueCounts queue;
    try {
      queue = source.get();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ingestion gauges left out of this scrape: " + e.getMessage());
      return;
    }
    gauge(out, MetricNames.INGEST_DOCUMENTS, "Documents in the store by ingestion state, all tenants.");
    for (DocumentState state : DocumentState.values()) {
      out.append(MetricNames.INGEST_DOCUMENTS).append('{').append(label(MetricNames.LABEL_STATE, state.wireName()))
          .append("} ").append(queue.states().get(state)).append('\n');
    }
    gauge(out, MetricNames.INGEST_QUEUE_DUE, "Documents a worker could claim now: pending, not leased, backing off or expired.");
    out.append(MetricNames.INGEST_QUEUE_DUE).append(' ').append(queue.due()).append('\n');
  }

  private static void breakerGauges(StringBuilder out, List<BreakerStatus> status) {
    if (status.isEmpty()) {
      return;
    }
    gauge(out, MetricNames.LLM_BREAKER_STATE, "Each model's circuit breaker: 1 for its state, 0 for the others.");
    for (BreakerStatus b : status) {
      for (String state : List.of("closed", "open", "half_open")) {
        out.append(MetricNames.LLM_BREAKER_STATE).append('{').append(label(MetricNames.LABEL_MODEL, b.model()))
            .append(',').append(label(MetricNames.LABEL_STATE, state)).append("} ")
            .append(b.state().equals(state) ? 1 : 0).append('\n');
      }
    }
    gauge(out, MetricNames.LLM_BREAKER_FAILURE_RATE, "Failure rate over each model's sliding window; -1: too few calls.");
    for (BreakerStatus b : status) {
      out.append(MetricNames.LLM_BREAKER_FAILURE_RATE).append('{').append(label(MetricNames.LABEL_MODEL, b.model()))
          .append("} ").append(b.failureRate() < 0 ? "-1" : number(b.failureRate() / 100.0)).append('\n');
    }
    gauge(out, MetricNames.LLM_BREAKER_NOT_PERMITTED, "Calls each model's open breaker refused since it last closed.");
    for (BreakerStatus b : status) {
      out.append(MetricNames.LLM_BREAKER_NOT_PERMITTED).append('{').append(label(MetricNames.LABEL_MODEL, b.model()))
          .append("} ").append(b.notPermitted()).append('\n');
    }
  }

  private static void gauge(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void histogram(StringBuilder out, String name, String labels, Histogram histogram) {
    long cumulative = 0;
    for (int i = 0; i <= histogram.buckets.length; i++) {
      cumulative += histogram.counts[i].sum();
      String le = i < histogram.buckets.length ? number(histogram.buckets[i]) : "+Inf";
      out.append(name).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
          .append(cumulative).append('\n');
    }
    out.append(name).append("_sum{").append(labels).append("} ")
        .append(number(histogram.sumNanos.sum() / 1e9)).append('\n');
    out.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
  }

  private static String label(String name, String value) {
    return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}

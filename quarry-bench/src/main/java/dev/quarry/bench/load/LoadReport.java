package dev.quarry.bench.load;

import dev.quarry.bench.Percentiles;
import dev.quarry.core.observe.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code bench load} measured, checked against the floors, as a printed summary and
 * as JSON. Floors: no error in either phase; search P95 at most {@value #P95_FLOOR_MS} ms;
 * throughput at least {@value #LIMIT_SHARE_FLOOR} of the embedding limit; the server's anonymous
 * resident memory at most {@value #ANON_FLOOR_MIB} MiB whenever it is measured (after the corpus is
 * ingested, after the large document if any, after each phase). File pages (mapped index files,
 * jars, libraries) are reported beside it but not held to the floor: the kernel drops them under
 * memory pressure and reads them back.
 */
final class LoadReport {

  static final double P95_FLOOR_MS = 40;
  static final double LIMIT_SHARE_FLOOR = 0.70;
  static final long ANON_FLOOR_MIB = 1024;
  static final int THREAD_GROUPS_SHOWN = 8;

  /** The server's memory at one point of the run; what its JVM committed when it tracks native memory. */
  record Memory(String when, ServeProcess.Rss rss, Optional<NativeMemory> jvm) {

    /** Anonymous memory the JVM does not account for (a lower bound, see {@link NativeMemory}). */
    Optional<Double> outsideJvmMib() {
      return jvm.map(n -> n.beyondJvmKib(rss) / 1024.0);
    }

    @Override
    public String toString() {
      return when + ": " + rss + jvm.map(n -> String.format(Locale.ROOT, "; %s; anonymous beyond it: at least %.0f MiB",
          n, outsideJvmMib().orElseThrow())).orElse("");
    }
  }

  /** One floor and whether the run met it. */
  record Floor(String name, String measured, boolean passed) {}

  private final Builder b;
  private final String loadAfter;

  private LoadReport(Builder b, String loadAfter) {
    this.b = b;
    this.loadAfter = loadAfter;
  }

  List<Floor> floors() {
    List<Floor> out = new ArrayList<>();
    Percentiles p = new Percentiles(nonEmpty(b.search.latencyNanos()));
    out.add(new Floor("zero errors, search phase", b.search.errors() + " errors " + b.search.errorsByKind(),
        b.search.errors() == 0));
    out.add(new Floor("search P95 <= " + (int) P95_FLOOR_MS + " ms", String.format(Locale.ROOT, "%.2f ms", p.millis(95)),
        p.millis(95) <= P95_FLOOR_MS));
    double share = b.search.unitsPerSecond() / b.limit.perSecond();
    out.add(new Floor(String.format(Locale.ROOT, "throughput >= %.0f%% of the embedding limit (%.1f/s)",
        100 * LIMIT_SHARE_FLOOR, LIMIT_SHARE_FLOOR * b.limit.perSecond()),
        String.format(Locale.ROOT, "%.1f/s = %.1f%%", b.search.unitsPerSecond(), 100 * share), share >= LIMIT_SHARE_FLOOR));
    long mixedErrors = b.mixedSearch.errors() + b.mixedIngest.map(ClosedLoop.Result::errors).orElse(0L);
    out.add(new Floor("zero errors, mixed phase", mixedErrors + " errors " + b.mixedSearch.errorsByKind()
        + b.mixedIngest.map(r -> " ingest " + r.errorsByKind()).orElse(""), mixedErrors == 0));
    Memory most = b.memory.stream().max(java.util.Comparator.comparingLong(m -> m.rss().anonKib())).orElseThrow();
    out.add(new Floor("server anonymous RSS <= " + ANON_FLOOR_MIB + " MiB (highest of " + b.memory.size() + " readings)",
        most.when() + ": " + most.rss(), most.rss().anonMib() <= ANON_FLOOR_MIB));
    return out;
  }

  private static long[] nonEmpty(long[] nanos) {
    return nanos.length == 0 ? new long[] {Long.MAX_VALUE} : nanos; // no success: P95 is infinitely bad
  }

  String summary() {
    StringBuilder s = new StringBuilder();
    LoadOptions o = b.options;
    s.append(String.format(Locale.ROOT, "quarry bench load: %s, %,d documents, %,d queries (test+train); server pid %d at %s, "
        + "result and query-embedding caches off%n", b.dataset, b.documents, b.queries, b.pid, b.url));
    if (b.ingestSeconds > 0) {
      s.append(String.format(Locale.ROOT, "corpus ingested through the batch API in %.1f s%n", b.ingestSeconds));
    }
    if (b.largeDocumentSeconds > 0) {
      s.append(String.format(Locale.ROOT, "large document of %d MB indexed in %.1f s%n", o.largeDocumentMb(),
          b.largeDocumentSeconds));
    }
    EmbeddingLimit l = b.limit;
    s.append(String.format(Locale.ROOT, "embedding limit: %.2f CPU-ms per query embedding (%s, mean of %,d, one at a time, "
        + "%.2f ms wall) -> %d cores / %.2f ms = %.1f queries/s%n", l.meanCpuMs(), l.model(), l.queries(), l.meanWallMs(),
        l.cores(), l.meanCpuMs(), l.perSecond()));
    ClosedLoop.Result r = b.search;
    s.append(String.format(Locale.ROOT, "search phase: %d clients, hybrid k=%d, %s after %s of warm-up [load %s]%n", r.clients(),
        Workload.K, LoadOptions.format(o.duration()), LoadOptions.format(o.warmup()), b.searchLoad));
    s.append(String.format(Locale.ROOT, "  %,d queries in %.1f s = %.1f queries/s (%.1f%% of the limit); %s; errors %d%n",
        r.succeeded(), r.seconds(), r.unitsPerSecond(), 100 * r.unitsPerSecond() / l.perSecond(),
        latencies(r), r.errors()));
    CpuPerQuery c = b.cpu;
    double underLoad = c.ms(Stage.EMBED_QUERY) > 0 ? l.cores() * 1000.0 / c.ms(Stage.EMBED_QUERY) : 0;
    if (underLoad > 0) {
      s.append(String.format(Locale.ROOT, "  (against the embedding CPU the server measured under this load, %.2f ms per query:"
          + " limit %.1f/s, throughput %.1f%% of it)%n", c.ms(Stage.EMBED_QUERY), underLoad, 100 * r.unitsPerSecond() / underLoad));
    }
    s.append(String.format(Locale.ROOT, "  server CPU per query: embed %.2f, lexical %.2f, vector %.2f, fuse %.2f, load %.2f, "
        + "HTTP and other %.2f = %.2f ms%n", c.ms(Stage.EMBED_QUERY), c.ms(Stage.RETRIEVE_LEXICAL), c.ms(Stage.RETRIEVE_VECTOR),
        c.ms(Stage.FUSE), c.ms(Stage.LOAD), c.otherMs(), c.processMs()));
    s.append("  server CPU per query by thread (ms):");
    threadMs().entrySet().stream().limit(THREAD_GROUPS_SHOWN)
        .forEach(e -> s.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue())));
    s.setLength(s.length() - 1);
    s.append('\n');
    s.append(String.format(Locale.ROOT, "  cores busy: server %.2f, this benchmark %.2f (%.2f CPU-ms per query) of %d%n",
        c.processMs() * c.queries() / 1000 / r.seconds(), b.benchCpuSeconds / r.seconds(),
        b.benchCpuSeconds * 1000 / c.queries(), l.cores()));
    if (c.unmeasuredSearchRuns() > 0 || c.cacheHits() > 0) {
      s.append(String.format(Locale.ROOT, "  WARNING: %d search stage runs without CPU measurement, %d cache hits: "
          + "the breakdown is off%n", c.unmeasuredSearchRuns(), c.cacheHits()));
    }
    ClosedLoop.Result m = b.mixedSearch;
    s.append(String.format(Locale.ROOT, "mixed phase: %d searching + %d ingesting clients, %s [load %s]%n", m.clients(),
        b.mixedIngest.map(ClosedLoop.Result::clients).orElse(0), LoadOptions.format(o.duration()), b.mixedLoad));
    s.append(String.format(Locale.ROOT, "  search: %,d queries = %.1f/s; %s; errors %d%n", m.succeeded(), m.unitsPerSecond(),
        latencies(m), m.errors()));
    b.mixedIngest.ifPresent(i -> s.append(String.format(Locale.ROOT,
        "  ingest: %,d documents in %,d batches of %d in %.1f s = %.1f documents/s; batch %s; errors %d%n", i.units(),
        i.succeeded(), o.ingestBatch(), i.seconds(), i.unitsPerSecond(), latencies(i), i.errors())));
    for (ClosedLoop.Result e : results()) {
      e.errorSamples().forEach(x -> s.append("  error (").append(e.name()).append("): ").append(x).append('\n'));
    }
    s.append("server memory:\n");
    b.memory.forEach(reading -> s.append("  ").append(reading).append('\n'));
    s.append("floors:\n");
    for (Floor f : floors()) {
      s.append(f.passed() ? "  PASS " : "  FAIL ").append(f.name()).append(": ").append(f.measured()).append('\n');
    }
    return s.toString();
  }

  /** Server CPU milliseconds per query by thread group, largest first. */
  private Map<String, Double> threadMs() {
    Map<String, Double> out = new LinkedHashMap<>();
    b.threadSeconds.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() * 1000 / b.cpu.queries()));
    return out;
  }

  private List<ClosedLoop.Result> results() {
    List<ClosedLoop.Result> out = new ArrayList<>(List.of(b.search, b.mixedSearch));
    b.mixedIngest.ifPresent(out::add);
    return out;
  }

  private static String latencies(ClosedLoop.Result r) {
    return r.latencyNanos().length == 0 ? "no successful request" : new Percentiles(r.latencyNanos()).toString();
  }

  Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    LoadOptions o = b.options;
    root.put("dataset", b.dataset);
    root.put("documents", b.documents);
    root.put("queries", b.queries);
    root.put("options", Map.of("duration_s", o.duration().toMillis() / 1000.0, "warmup_s", o.warmup().toMillis() / 1000.0,
        "clients", o.clients(), "mixed_search_clients", o.mixedSearchClients(), "mixed_ingest_clients",
        o.mixedIngestClients(), "ingest_batch", o.ingestBatch(), "server_java_options", o.serverJavaOptions(),
        "large_document_mb", o.largeDocumentMb()));
    root.put("ingest_seconds", b.ingestSeconds);
    root.put("large_document_seconds", b.largeDocumentSeconds);
    root.put("embedding_limit", Map.of("model", b.limit.model(), "cores", b.limit.cores(), "queries", b.limit.queries(),
        "cpu_ms_per_query", b.limit.meanCpuMs(), "wall_ms_per_query", b.limit.meanWallMs(),
        "queries_per_second", b.limit.perSecond()));
    Map<String, Object> search = phase(b.search);
    search.put("share_of_limit", b.search.unitsPerSecond() / b.limit.perSecond());
    Map<String, Object> cpu = new LinkedHashMap<>();
    for (Stage s : CpuPerQuery.SEARCH_STAGES) {
      cpu.put(s.wireName(), b.cpu.ms(s));
    }
    cpu.put("http_and_other", b.cpu.otherMs());
    cpu.put("process", b.cpu.processMs());
    cpu.put("bench_process", b.benchCpuSeconds * 1000 / b.cpu.queries());
    search.put("cpu_ms_per_query", cpu);
    search.put("cpu_ms_per_query_by_thread", threadMs());
    search.put("unmeasured_search_stage_runs", b.cpu.unmeasuredSearchRuns());
    search.put("cache_hits", b.cpu.cacheHits());
    search.put("load_average", b.searchLoad);
    root.put("search", search);
    Map<String, Object> mixed = new LinkedHashMap<>();
    mixed.put("search", phase(b.mixedSearch));
    b.mixedIngest.ifPresent(i -> {
      Map<String, Object> ingest = phase(i);
      ingest.put("documents", i.units());
      ingest.put("documents_per_second", i.unitsPerSecond());
      mixed.put("ingest", ingest);
    });
    mixed.put("load_average", b.mixedLoad);
    root.put("mixed", mixed);
    root.put("server_memory_mib", b.memory.stream().map(LoadReport::memory).toList());
    List<Map<String, Object>> floors = new ArrayList<>();
    for (Floor f : floors()) {
      floors.add(Map.of("floor", f.name(), "measured", f.measured(), "passed", f.passed()));
    }
    root.put("floors", floors);
    root.put("load_average_at_end", loadAfter);
    return root;
  }

  private static Map<String, Object> memory(Memory memory) {
    ServeProcess.Rss r = memory.rss();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("when", memory.when());
    m.put("vm_rss", r.currentMib());
    m.put("rss_anon", r.anonMib());
    m.put("rss_file", r.fileMib());
    m.put("vm_hwm", r.peakMib());
    memory.jvm().ifPresent(n -> {
      Map<String, Object> jvm = new LinkedHashMap<>();
      jvm.put("total", n.totalCommittedKib() / 1024.0);
      n.committedKib().forEach((category, kib) -> jvm.put(category, kib / 1024.0));
      m.put("jvm_committed", jvm);
      m.put("java_heap_resident", n.heapResidentKib() / 1024.0);
      m.put("anon_beyond_jvm_committed", memory.outsideJvmMib().orElseThrow());
    });
    return m;
  }

  private static Map<String, Object> phase(ClosedLoop.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clients", r.clients());
    m.put("seconds", r.seconds());
    m.put("succeeded", r.succeeded());
    m.put("per_second", r.succeeded() / r.seconds());
    if (r.latencyNanos().length > 0) {
      Percentiles p = new Percentiles(r.latencyNanos());
      m.put("p50_ms", p.millis(50));
      m.put("p95_ms", p.millis(95));
      m.put("p99_ms", p.millis(99));
      m.put("max_ms", p.maxMillis());
    }
    m.put("errors", r.errors());
    m.put("errors_by_kind", r.errorsByKind());
    m.put("error_samples", r.errorSamples());
    return m;
  }

  /** Collects the parts of a run as they are measured. */
  static final class Builder {
    private final LoadOptions options;
    private final String dataset;
    private final int documents;
    private final int queries;
    private long pid;
    private String url;
    private double ingestSeconds;
    private double largeDocumentSeconds;
    private final List<Memory> memory = new ArrayList<>();
    private EmbeddingLimit limit;
    private ClosedLoop.Result search;
    private CpuPerQuery cpu;
    private Map<String, Double> threadSeconds = Map.of();
    private double benchCpuSeconds;
    private String searchLoad;
    private ClosedLoop.Result mixedSearch;
    private Optional<ClosedLoop.Result> mixedIngest = Optional.empty();
    private String mixedLoad;

    Builder(LoadOptions options, String dataset, int documents, int queries) {
      this.options = options;
      this.dataset = dataset;
      this.documents = documents;
      this.queries = queries;
    }

    void server(long pid, String url) {
      this.pid = pid;
      this.url = url;
    }

    void ingestSeconds(double seconds) {
      this.ingestSeconds = seconds;
    }

    void largeDocumentSeconds(double seconds) {
      this.largeDocumentSeconds = seconds;
    }

    void memory(Memory m) {
      memory.add(m);
    }

    void limit(EmbeddingLimit limit) {
      this.limit = limit;
    }

    void search(ClosedLoop.Result search, CpuPerQuery cpu, Map<String, Double> threadSeconds, double benchCpuSeconds,
        String load) {
      this.search = search;
      this.cpu = cpu;
      this.threadSeconds = Map.copyOf(threadSeconds);
      this.benchCpuSeconds = benchCpuSeconds;
      this.searchLoad = load;
    }

    void mixed(ClosedLoop.Result search, Optional<ClosedLoop.Result> ingest, String load) {
      this.mixedSearch = search;
      this.mixedIngest = ingest;
      this.mixedLoad = load;
    }

    LoadReport build(String loadAfter) {
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(search, "search");
      Objects.requireNonNull(mixedSearch, "mixed");
      if (memory.isEmpty()) {
        throw new IllegalStateException("no memory reading");
      }
      return new LoadReport(this, loadAfter);
    }
  }
}

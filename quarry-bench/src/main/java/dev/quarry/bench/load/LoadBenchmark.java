package dev.quarry.bench.load;

import dev.quarry.bench.Machine;
import dev.quarry.core.error.QuarryException;
import dev.quarry.eval.dataset.BeirDataset;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./quarry bench load}: {@code quarry serve} in its own process on loopback, with the result
 * and query-embedding caches off so every query is embedded, the corpus ingested through the HTTP
 * batch API (once per data directory), then:
 *
 * <ol>
 *   <li>the embedding limit, measured in this JVM before any load ({@link EmbeddingLimit});
 *   <li>the search phase: {@code --clients} closed-loop clients sending hybrid searches over the
 *       test and train queries for {@code --duration} after {@code --warmup}, with {@code /metrics}
 *       read before and after for the server's CPU per query by stage ({@link CpuPerQuery});
 *   <li>the mixed phase: search clients and ingesting clients together for {@code --duration},
 *       the ingesting clients writing to a second collection, dropped afterwards;
 * </ol>
 *
 * <p>The server's memory is read after the corpus is in, after the large document ({@code
 * --large-document}) if any, and after each phase: resident anonymous and file pages from {@code
 * /proc}, and what the JVM committed by category when the server tracks native memory ({@code
 * --server-java-opts -XX:NativeMemoryTracking=summary}).
 *
 * Prints a summary with a PASS or FAIL line per floor ({@link LoadReport}) and writes it as JSON to
 * {@code --out}. Every wait is bounded: the set-up by {@code --setup-timeout}, each phase by its
 * duration plus a grace period.
 */
public final class LoadBenchmark {

  public static final String USAGE = LoadOptions.USAGE;
  static final String TENANT = "bench";
  static final int EMBED_WARMUP = 200;
  static final Duration GRACE = Duration.ofMinutes(2);

  private LoadBenchmark() {}

  public static void run(String... args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    LoadOptions o;
    try {
      o = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("quarry bench load: " + e.getMessage());
      System.err.println(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    try {
      run(o);
    } catch (QuarryException | IllegalStateException e) {
      // the dataset, the server or a request went wrong: the message says which
      System.err.println("quarry bench load: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void run(LoadOptions o) throws Exception {
    BeirDataset ds = BeirDataset.open(o.dataset());
    List<String> corpus = CorpusUpload.lines(ds.corpus());
    List<String> queries = queries(ds);
    String collection = ds.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    String mixedCollection = collection + "-mixed";
    System.out.printf(Locale.ROOT, "dataset: %s, %,d documents, %,d queries; server data in %s, log %s%n",
        ds.name(), corpus.size(), queries.size(), o.dataDir().toAbsolutePath(), o.serverLog().toAbsolutePath());

    Path config = Files.createTempFile("quarry-bench-load-", ".yaml");
    LoadReport.Builder report = new LoadReport.Builder(o, ds.name(), corpus.size(), queries.size());
    try {
      Files.writeString(config, serverConfig());
      String adminKey = HexFormat.of().formatHex(randomBytes());
      try (ServeProcess server = ServeProcess.start(o.dataDir().toAbsolutePath(), config, adminKey,
          o.serverJavaOptions(), o.serverLog(), Duration.ofMinutes(3))) {
        report.server(server.pid(), server.base().toString());
        System.out.printf(Locale.ROOT, "server: pid %d at %s%n", server.pid(), server.base());
        HttpClient http = ApiClient.newHttpClient();
        ApiClient admin = new ApiClient(http, server.base(), Optional.of(adminKey));
        ApiClient api = admin.withKey(tenantKey(admin));
        report.ingestSeconds(CorpusUpload.ensure(api, collection, corpus, o.setupTimeout()));
        memory(server, report, "after the corpus was ingested");
        if (o.largeDocumentMb() > 0) {
          String text = LargeDocument.text(corpus, o.largeDocumentMb(), Long.toString(System.currentTimeMillis(), 36));
          report.largeDocumentSeconds(LargeDocument.ingest(api, collection + "-large", text, o.setupTimeout()));
          memory(server, report, "after a " + o.largeDocumentMb() + " MB document");
        }
        String model = api.json("GET", "/v1/collections/" + collection, null, 200).body().path("model").asText();
        checkSearchAnswers(api, collection, queries.getFirst());

        EmbeddingLimit limit = EmbeddingLimit.measure(model, queries, EMBED_WARMUP);
        report.limit(limit);
        System.out.printf(Locale.ROOT, "embedding limit: %s, %,d queries one at a time: %.2f CPU-ms (%.2f ms wall) per query; "
            + "%d cores / %.2f ms = %.1f queries/s [load %s]%n", model, limit.queries(), limit.meanCpuMs(),
            limit.meanWallMs(), limit.cores(), limit.meanCpuMs(), limit.perSecond(), Machine.loadAverage());

        searchPhase(o, http, server, api, collection, queries, report);
        mixedPhase(o, http, server, api, mixedCollection, corpus, collection, queries, report);
      }
    } finally {
      Files.deleteIfExists(config);
    }
    LoadReport r = report.build(Machine.loadAverage());
    System.out.println();
    System.out.print(r.summary());
    System.out.println(Machine.describe() + " (this benchmark process)");
    Files.createDirectories(o.out().toAbsolutePath().getParent());
    ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValue(o.out().toFile(), r.json());
    System.out.println("result: " + o.out().toAbsolutePath());
  }

  private static void searchPhase(LoadOptions o, HttpClient http, ServeProcess server, ApiClient api, String collection,
      List<String> queries, LoadReport.Builder report) throws Exception {
    String key = api.key().orElseThrow();
    if (!o.warmup().isZero()) {
      ClosedLoop.Result w = ClosedLoop.start("warmup", o.clients(),
          o.warmup(), Workload.search(http, server.base(), collection, key, queries, o.clients())).await(GRACE);
      System.out.printf(Locale.ROOT, "warm-up: %,d queries in %.1f s, %d errors%n", w.succeeded(), w.seconds(), w.errors());
    }
    PrometheusScrape before = api.metrics();
    ThreadTimes threadsBefore = ThreadTimes.of(server.pid());
    long benchCpu0 = Machine.processCpuNanos();
    ClosedLoop.Result search = ClosedLoop.start("search", o.clients(), o.duration(),
        Workload.search(http, server.base(), collection, key, queries, o.clients())).await(GRACE);
    double benchCpuSeconds = (Machine.processCpuNanos() - benchCpu0) / 1e9;
    ThreadTimes threadsAfter = ThreadTimes.of(server.pid());
    PrometheusScrape after = api.metrics();
    CpuPerQuery cpu = CpuPerQuery.between(before, after, Math.max(1, search.succeeded() + search.errors()));
    report.search(search, cpu, threadsAfter.secondsByGroupSince(threadsBefore), benchCpuSeconds, Machine.loadAverage());
    memory(server, report, "after the search phase");
    System.out.printf(Locale.ROOT, "search: %,d queries in %.1f s = %.1f/s, %d errors [load %s]%n",
        search.succeeded(), search.seconds(), search.unitsPerSecond(), search.errors(), Machine.loadAverage());
  }

  private static void mixedPhase(LoadOptions o, HttpClient http, ServeProcess server, ApiClient api, String mixedCollection,
      List<String> corpus, String collection, List<String> queries, LoadReport.Builder report) throws Exception {
    String key = api.key().orElseThrow();
    String path = "/v1/collections/" + ApiClient.segment(mixedCollection);
    api.json("DELETE", path, null, 200, 404); // left over by an interrupted run
    api.json("PUT", path, Map.of(), 201);
    String runTag = Long.toString(System.currentTimeMillis(), 36);
    ClosedLoop ingesting = o.mixedIngestClients() == 0 ? null : ClosedLoop.start("ingest", o.mixedIngestClients(),
        o.duration(), Workload.ingest(http, server.base(), mixedCollection, key, corpus, o.ingestBatch(), runTag));
    ClosedLoop searching = ClosedLoop.start("mixed-search", o.mixedSearchClients(), o.duration(),
        Workload.search(http, server.base(), collection, key, queries, o.mixedSearchClients()));
    ClosedLoop.Result search = searching.await(GRACE);
    Optional<ClosedLoop.Result> ingest = ingesting == null ? Optional.empty() : Optional.of(ingesting.await(GRACE));
    report.mixed(search, ingest, Machine.loadAverage());
    memory(server, report, "after the mixed phase");
    System.out.printf(Locale.ROOT, "mixed: %,d queries, %,d documents ingested in %.1f s, %d errors [load %s]%n",
        search.succeeded(), ingest.map(ClosedLoop.Result::units).orElse(0L), search.seconds(),
        search.errors() + ingest.map(ClosedLoop.Result::errors).orElse(0L), Machine.loadAverage());
    api.json("DELETE", path, null, 200);
  }

  private static void memory(ServeProcess server, LoadReport.Builder report, String when) throws IOException {
    LoadReport.Memory m = new LoadReport.Memory(when, server.rss(), NativeMemory.of(server.pid()));
    report.memory(m);
    System.out.println("server memory " + m);
  }

  /** Creates the benchmark's tenant if needed and a fresh key with the ingest and search scopes. */
  private static String tenantKey(ApiClient admin) throws IOException, InterruptedException {
    admin.json("POST", "/v1/tenants", Map.of("id", TENANT), 201, 409);
    return admin.json("POST", "/v1/tenants/" + TENANT + "/keys", Map.of("scopes", List.of("ingest", "search")), 201)
        .body().path("key").asText();
  }

  private static void checkSearchAnswers(ApiClient api, String collection, String query)
      throws IOException, InterruptedException {
    var hits = api.json("POST", "/v1/collections/" + collection + "/search",
        Map.of("query", query, "mode", "hybrid", "k", Workload.K), 200).body().path("hits");
    if (hits.size() == 0) {
      throw new IllegalStateException("a hybrid search for '" + query + "' found nothing in " + collection);
    }
  }

  /** The test and train queries (every query when the dataset has neither split), each once. */
  static List<String> queries(BeirDataset ds) {
    Map<String, String> byId = new LinkedHashMap<>();
    for (String split : List.of("test", "train")) {
      if (ds.splits().contains(split)) {
        ds.split(split).queries().forEach(q -> byId.putIfAbsent(q.id(), q.text()));
      }
    }
    if (byId.isEmpty()) {
      ds.allQueries().forEach(q -> byId.putIfAbsent(q.id(), q.text()));
    }
    return List.copyOf(byId.values());
  }

  /** Loopback only; both in-memory caches off, so every query is embedded and searched. */
  static String serverConfig() {
    return """
        server:
          host: 127.0.0.1
        cache:
          results:
            enabled: false
          query_embeddings:
            enabled: false
        """;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return b;
  }
}

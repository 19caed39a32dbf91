package dev.quarry.bench;

import dev.quarry.core.observe.CacheObserver;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.Collection;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.Query;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./quarry bench rerank-latency --dataset DIR --data-dir DIR [--model ID] [--depth N]}: the
 * time the re-rank stage adds to a default hybrid search, single client, on an existing collection
 * ({@code beir-<dataset>}, built by {@code quarry eval}) whose passages the re-ranking model has
 * seen (the passage cache is warm, e.g. after {@code rerank-warmup} or one evaluation run): per
 * query, the wall and CPU time of the {@code rerank} stage (loading the candidates' texts, the
 * second model's query embedding, cache reads, dot products, blending). Train queries warm up;
 * test queries are measured, each once with the second model, so every second-model query
 * embedding is computed (the one {@code prepare} starts while the first stage retrieves and embeds
 * the query with the first model). Each is paired with the same search without re-ranking, run
 * right after on the query text plus a trailing space (the same tokens, a text no cache has seen,
 * so its first stage embeds the query too), so the added time and process CPU (all threads, the
 * query embedding on the other thread included) are per query.
 */
final class RerankLatencyBenchmark {

  private RerankLatencyBenchmark() {}

  static void run(String[] args) {
    Path dataset = null;
    Path dataDir = null;
    String model = "e5-small-v2-q";
    int depth = 50;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dataset" -> dataset = Path.of(args[i + 1]);
        case "--data-dir" -> dataDir = Path.of(args[i + 1]);
        case "--model" -> model = args[i + 1];
        case "--depth" -> depth = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dataset == null || dataDir == null) {
      throw new IllegalArgumentException("usage: rerank-latency --dataset DIR --data-dir DIR [--model ID] [--depth N]");
    }
    BeirDataset ds = BeirDataset.open(dataset);
    String name = "beir-" + ds.name().toLowerCase(Locale.ROOT);
    AtomicLong wall = new AtomicLong();
    AtomicLong cpu = new AtomicLong();
    StageObserver observer = (stage, wallNanos, cpuNanos) -> {
      if (stage == Stage.RERANK) {
        wall.set(wallNanos);
        cpu.set(cpuNanos);
      }
    };
    // no search-result cache: every search runs
    EngineConfig config = EngineConfig.defaults(dataDir);
    config = config.withCaches(config.caches().withSearchResults(0));
    try (Quarry quarry = Quarry.open(config, observer, CacheObserver.NONE)) {
      Collection c = quarry.get(name);
      Optional<Rerank> rerank = Optional.of(new Rerank(model, depth, 0.5));
      List<Query> warmup = ds.split("train").queries();
      for (int i = 0; i < Math.min(100, warmup.size()); i++) {
        c.search(SearchRequest.of(warmup.get(i).text()).withRerank(rerank));
      }
      List<Query> measured = ds.split("test").queries();
      int n = measured.size();
      long[] stageWall = new long[n];
      long[] stageCpu = new long[n];
      long[] rerankedWall = new long[n];
      long[] rerankedCpu = new long[n];
      long[] plainWall = new long[n];
      long[] plainCpu = new long[n];
      for (int i = 0; i < n; i++) {
        long c0 = Machine.processCpuNanos();
        long w0 = System.nanoTime();
        c.search(SearchRequest.of(measured.get(i).text()).withRerank(rerank));
        rerankedWall[i] = System.nanoTime() - w0;
        rerankedCpu[i] = Machine.processCpuNanos() - c0;
        stageWall[i] = wall.get();
        stageCpu[i] = cpu.get();
        c0 = Machine.processCpuNanos();
        w0 = System.nanoTime();
        // a text neither model has seen (a trailing space tokenises the same), so its first stage embeds it too
        c.search(SearchRequest.of(measured.get(i).text() + " "));
        plainWall[i] = System.nanoTime() - w0;
        plainCpu[i] = Machine.processCpuNanos() - c0;
      }
      long[] addedWall = new long[n];
      long[] addedCpu = new long[n];
      for (int i = 0; i < n; i++) {
        addedWall[i] = rerankedWall[i] - plainWall[i];
        addedCpu[i] = rerankedCpu[i] - plainCpu[i];
      }
      System.out.printf(Locale.ROOT, "rerank stage, %s, depth %d, %d queries: wall %s; cpu (search thread) %s%n", model,
          depth, n, new Percentiles(stageWall), new Percentiles(stageCpu));
      System.out.printf(Locale.ROOT, "search with re-ranking: wall %s; process cpu %s%n", new Percentiles(rerankedWall),
          new Percentiles(rerankedCpu));
      System.out.printf(Locale.ROOT, "same search without: wall %s; process cpu %s%n", new Percentiles(plainWall),
          new Percentiles(plainCpu));
      System.out.printf(Locale.ROOT, "added per query (paired): wall %s; process cpu %s; mean process cpu %.2f ms "
          + "with, %.2f ms without%n", new Percentiles(addedWall), new Percentiles(addedCpu),
          java.util.Arrays.stream(rerankedCpu).sum() / 1e6 / n, java.util.Arrays.stream(plainCpu).sum() / 1e6 / n);
    }
    System.out.println(Machine.describe());
  }
}

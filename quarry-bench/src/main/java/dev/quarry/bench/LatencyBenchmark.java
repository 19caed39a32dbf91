package dev.quarry.bench;

import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.Collection;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Single-client latency of the default search (top 10 documents) per mode, query embedding
 * included, on a BEIR dataset's queries. The corpus is ingested into {@code --data-dir} first (or
 * reused). Searches run with the embedding cache off, so every query is embedded. Train queries
 * warm the JVM up; test queries are measured.
 */
final class LatencyBenchmark {

  static final int WARMUP_QUERIES = 300;

  private LatencyBenchmark() {}

  static void run(Bench.Args a) {
    BeirDataset ds = BeirDataset.open(a.dataset());
    String name = "beir-" + ds.name().toLowerCase(Locale.ROOT);
    try (Quarry quarry = Quarry.open(EngineConfig.defaults(a.dataDir()))) {
      var report = quarry.openOrCreate(name, Optional.empty()).ingest(quarry.files(ds.corpus()), ProgressListener.NONE);
      System.out.printf(Locale.ROOT, "index: %s, %,d documents (%,d newly indexed)%n", name, report.documents(), report.indexed());
    }
    List<Query> warmup = queries(ds, "train");
    List<Query> measured = queries(ds, "test");
    try (Quarry quarry = Quarry.open(EngineConfig.defaults(a.dataDir()).withEmbeddingCache(false))) {
      Collection c = quarry.get(name);
      for (int i = 0; i < Math.min(WARMUP_QUERIES, warmup.size()); i++) {
        for (SearchMode m : SearchMode.values()) {
          c.search(SearchRequest.of(warmup.get(i).text()).withMode(m));
        }
      }
      for (SearchMode m : new SearchMode[] {SearchMode.HYBRID, SearchMode.LEXICAL, SearchMode.VECTOR}) {
        System.out.printf(Locale.ROOT, "%-7s %s%n", m.name().toLowerCase(Locale.ROOT), measure(c, measured, m));
      }
    }
    System.out.println(Machine.describe());
  }

  static String measure(Collection c, List<Query> queries, SearchMode mode) {
    long[] nanos = new long[queries.size()];
    long cpu0 = Machine.processCpuNanos();
    for (int i = 0; i < queries.size(); i++) {
      SearchRequest r = SearchRequest.of(queries.get(i).text()).withMode(mode);
      long t0 = System.nanoTime();
      c.search(r);
      nanos[i] = System.nanoTime() - t0;
    }
    double cpuMs = (Machine.processCpuNanos() - cpu0) / 1e6 / queries.size();
    return new Percentiles(nanos) + String.format(Locale.ROOT, ", %.2f CPU-ms per query", cpuMs);
  }

  static List<Query> queries(BeirDataset ds, String split) {
    return new ArrayList<>(ds.split(split).queries());
  }
}

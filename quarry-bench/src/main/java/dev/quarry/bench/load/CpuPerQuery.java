package dev.quarry.bench.load;

import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.Stage;
import dev.quarry.server.metrics.MetricNames;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The server's CPU per query over a search-only phase, from two {@code /metrics} readings taken
 * with no request in flight: each stage's {@code quarry_stage_cpu_seconds_total} increase divided
 * by the queries served, and the remainder of {@code process_cpu_seconds_total} (request threads,
 * HTTP, JSON, access log, GC, JIT, the scrapes) as {@code otherMs}, as docs/metrics.md defines it.
 *
 * @param stageMs CPU milliseconds per query of every stage (ingestion stages should be 0 here)
 * @param processMs the whole server process's CPU milliseconds per query
 * @param unmeasuredSearchRuns search stage runs whose CPU could not be measured (should be 0: they
 *     would sit in {@code otherMs})
 * @param cacheHits query-vector and result cache hits (must be 0: the caches are off)
 */
record CpuPerQuery(long queries, Map<Stage, Double> stageMs, double processMs, long unmeasuredSearchRuns, long cacheHits) {

  static final Set<Stage> SEARCH_STAGES =
      EnumSet.of(Stage.EMBED_QUERY, Stage.RETRIEVE_LEXICAL, Stage.RETRIEVE_VECTOR, Stage.FUSE, Stage.LOAD);

  CpuPerQuery {
    stageMs = Map.copyOf(stageMs);
    if (queries < 1) {
      throw new IllegalArgumentException("no query was served between the two readings");
    }
  }

  static CpuPerQuery between(PrometheusScrape before, PrometheusScrape after, long queries) {
    Map<Stage, Double> stageMs = new EnumMap<>(Stage.class);
    long unmeasured = 0;
    for (Stage s : Stage.values()) {
      Map<String, String> label = Map.of(MetricNames.LABEL_STAGE, s.wireName());
      stageMs.put(s, after.increase(before, MetricNames.STAGE_CPU, label) * 1000 / queries);
      if (SEARCH_STAGES.contains(s)) {
        unmeasured += Math.round(after.increase(before, MetricNames.STAGE_CPU_UNMEASURED, label));
      }
    }
    long hits = 0;
    for (CacheName cache : CacheName.values()) {
      Map<String, String> label = Map.of(MetricNames.LABEL_CACHE, cache.wireName(),
          MetricNames.LABEL_RESULT, MetricNames.RESULT_HIT);
      hits += Math.round(after.find(MetricNames.CACHE_REQUESTS, label).orElse(0)
          - before.find(MetricNames.CACHE_REQUESTS, label).orElse(0));
    }
    double processMs = after.increase(before, MetricNames.PROCESS_CPU, Map.of()) * 1000 / queries;
    return new CpuPerQuery(queries, stageMs, processMs, unmeasured, hits);
  }

  double stagesMs() {
    return stageMs.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Process CPU not in any stage: HTTP, request threads, JSON, access log, GC, JIT. */
  double otherMs() {
    return processMs - stagesMs();
  }

  double ms(Stage s) {
    return stageMs.getOrDefault(s, 0.0);
  }
}

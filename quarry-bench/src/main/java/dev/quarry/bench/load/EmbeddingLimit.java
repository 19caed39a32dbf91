package dev.quarry.bench.load;

import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.CpuAccount;
import dev.quarry.core.observe.ThreadCpu;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import java.util.List;

/**
 * The machine's embedding limit: how many queries per second its cores could embed if they did
 * nothing else, {@code cores / mean CPU time of one query embedding}. Measured in this JVM on the
 * model the server uses, with the server's default embedder settings, one query at a time from a
 * platform thread after a warm-up: the CPU of the calling thread (tokenising, the query prefix)
 * plus what the model's worker thread used for the query (charged through {@link CpuAccount}),
 * the same account the server's {@code embed_query} stage keeps.
 *
 * @param meanCpuMs mean CPU milliseconds per query embedding
 * @param meanWallMs mean wall milliseconds per query embedding (one caller)
 */
record EmbeddingLimit(String model, int queries, int cores, double meanCpuMs, double meanWallMs) {

  /** Queries per second the cores could embed. */
  double perSecond() {
    return cores * 1000.0 / meanCpuMs;
  }

  static EmbeddingLimit measure(String modelId, List<String> queries, int warmup) {
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("no queries to embed");
    }
    if (!ThreadCpu.measurable()) {
      throw new IllegalStateException("the embedding limit must be measured on a platform thread with thread CPU time");
    }
    try (OnnxEmbedder model = OnnxEmbedder.open(OnnxEmbedderConfig.defaults(modelId))) {
      for (int i = 0; i < warmup; i++) {
        model.embed(List.of(queries.get(i % queries.size())), InputKind.QUERY);
      }
      long cpu = 0;
      long wall = 0;
      for (String q : queries) {
        CpuAccount workers = new CpuAccount();
        long c0 = ThreadCpu.now();
        long t0 = System.nanoTime();
        CpuAccount.charging(workers, () -> model.embed(List.of(q), InputKind.QUERY));
        wall += System.nanoTime() - t0;
        cpu += ThreadCpu.now() - c0 + workers.nanos();
      }
      return new EmbeddingLimit(modelId, queries.size(), Runtime.getRuntime().availableProcessors(),
          cpu / 1e6 / queries.size(), wall / 1e6 / queries.size());
    }
  }
}

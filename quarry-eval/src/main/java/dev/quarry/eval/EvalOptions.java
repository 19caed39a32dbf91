package dev.quarry.eval;

import dev.quarry.eval.metric.BeirMetrics;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link EvalRunner} runs.
 *
 * @param depth documents asked of the search function per query; at least 100, the deepest metric
 *     cut-off. Run files hold this many documents per query (BEIR's runs use 1000).
 * @param parallelism queries searched at once; latency is measured under this load
 * @param dropSelfHits drop hits whose document id equals the query id (BEIR's {@code
 *     ignore_identical_ids}, for datasets such as ArguAna and Quora where a query is also a
 *     document); one extra document is then asked for so the depth stays full
 * @param runDirectory where to write one TREC run file per mode, if anywhere
 */
public record EvalOptions(int depth, int parallelism, boolean dropSelfHits, Optional<Path> runDirectory) {

  public EvalOptions {
    if (depth < BeirMetrics.MAX_CUTOFF) {
      throw new IllegalArgumentException(
          "depth must be at least " + BeirMetrics.MAX_CUTOFF + " (the recall@100 and map@100 cut-off), got: " + depth);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got: " + parallelism);
    }
    Objects.requireNonNull(runDirectory, "runDirectory");
  }

  /** Depth 100, one query per core, identical ids kept, no run files. */
  public static EvalOptions defaults() {
    return new EvalOptions(BeirMetrics.MAX_CUTOFF, Runtime.getRuntime().availableProcessors(), false, Optional.empty());
  }

  public EvalOptions withDepth(int newDepth) {
    return new EvalOptions(newDepth, parallelism, dropSelfHits, runDirectory);
  }

  public EvalOptions withParallelism(int newParallelism) {
    return new EvalOptions(depth, newParallelism, dropSelfHits, runDirectory);
  }

  public EvalOptions withDropSelfHits(boolean drop) {
    return new EvalOptions(depth, parallelism, drop, runDirectory);
  }

  public EvalOptions withRunDirectory(Path dir) {
    return new EvalOptions(depth, parallelism, dropSelfHits, Optional.of(dir));
  }
}

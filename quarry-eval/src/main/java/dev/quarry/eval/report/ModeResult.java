package dev.quarry.eval.report;

import dev.quarry.eval.metric.BeirMetrics;
import java.util.Objects;

/**
 * One mode's outcome on a split: the number of queries, the metrics averaged over all of them, the
 * search latency, and how many queries came back with scores that rise somewhere down the list
 * ({@code outOfOrderQueries}): those were evaluated in score order, not in the order returned, so a
 * non-zero count means the mode's scores disagree with its ranking.
 */
public record ModeResult(String mode, int queries, BeirMetrics metrics, Latency latency, int outOfOrderQueries) {
  public ModeResult {
    if (mode == null || mode.isBlank()) {
      throw new IllegalArgumentException("mode must not be blank");
    }
    if (queries < 1) {
      throw new IllegalArgumentException("queries must be at least 1, got: " + queries);
    }
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(latency, "latency");
    if (outOfOrderQueries < 0 || outOfOrderQueries > queries) {
      throw new IllegalArgumentException(
          "outOfOrderQueries must be in [0, " + queries + "], got: " + outOfOrderQueries);
    }
  }
}

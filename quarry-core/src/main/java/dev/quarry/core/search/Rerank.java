package dev.quarry.core.search;

import java.util.Objects;

/**
 * Re-ranking asked of a search: the re-ranker's name, how many of the fused ranking's best
 * candidates it re-scores ({@code depth}), and its share {@code weight} in [0, 1] of the final
 * score of those candidates: {@code (1 - weight) * first + weight * second}, each min-max
 * normalised over the re-scored candidates. Weight 1 orders them by the re-ranker alone (the
 * usual choice for a cross-encoder); a second embedding model is best blended.
 */
public record Rerank(String reranker, int depth, double weight) {

  public static final int MAX_DEPTH = 1000;

  public Rerank {
    Objects.requireNonNull(reranker, "reranker");
    if (reranker.isBlank()) {
      throw new IllegalArgumentException("re-ranker name must not be blank");
    }
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("re-rank depth must be in 1.." + MAX_DEPTH + ", got: " + depth);
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("re-rank weight must be in [0, 1], got: " + weight);
    }
  }
}

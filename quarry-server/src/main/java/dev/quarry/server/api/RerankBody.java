package dev.quarry.server.api;

import dev.quarry.core.search.Rerank;
import dev.quarry.server.error.ApiException;
import java.util.Optional;

/**
 * The {@code rerank} field of a search or of a collection's search defaults: the re-ranker's name
 * (an embedding model id such as {@code e5-small-v2-q}, or a configured re-ranker), how many of
 * the best fused candidates it re-scores ({@code depth}, default {@value #DEFAULT_DEPTH}; 0 turns
 * re-ranking off for the request) and its share of the blended score ({@code weight}, 0..1,
 * default {@value #DEFAULT_WEIGHT}).
 */
public record RerankBody(String reranker, Integer depth, Double weight) {

  public static final int DEFAULT_DEPTH = 50;

  /** The blend measured best for second-model re-scoring on SciFact and NFCorpus (docs/evaluation.md). */
  public static final double DEFAULT_WEIGHT = 0.5;

  /** The re-ranking this asks for, or none (depth 0); errors point at {@code pointer}'s fields. */
  Optional<Rerank> resolve(String pointer) {
    int d = depth == null ? DEFAULT_DEPTH : depth;
    if (d == 0) {
      return Optional.empty();
    }
    if (reranker == null || reranker.isBlank()) {
      throw ApiException.invalidAt(pointer + "/reranker", "a re-ranker name is required");
    }
    if (d < 0 || d > Rerank.MAX_DEPTH) {
      throw ApiException.invalidAt(pointer + "/depth", "depth must be in 0.." + Rerank.MAX_DEPTH + ", got: " + d);
    }
    double w = weight == null ? DEFAULT_WEIGHT : weight;
    if (!(w >= 0 && w <= 1)) {
      throw ApiException.invalidAt(pointer + "/weight", "weight must be in [0, 1], got: " + w);
    }
    return Optional.of(new Rerank(reranker, d, w));
  }
}

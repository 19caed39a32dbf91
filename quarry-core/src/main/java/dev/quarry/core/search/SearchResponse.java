package dev.quarry.core.search;

import java.util.List;
import java.util.Optional;

/**
 * Hits best first, and the index generation they were read from. {@code degraded} says why the
 * response is less than was asked (a re-ranker that could not answer: the fused order is kept).
 */
public record SearchResponse(List<Hit> hits, long generation, Optional<String> degraded) {
  public SearchResponse {
    hits = List.copyOf(hits);
    degraded = degraded == null ? Optional.empty() : degraded;
  }

  public SearchResponse(List<Hit> hits, long generation) {
    this(hits, generation, Optional.empty());
  }
}

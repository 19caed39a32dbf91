package dev.quarry.core.search;

import java.util.List;

/** Hits best first, and the index generation they were read from. */
public record SearchResponse(List<Hit> hits, long generation) {
  public SearchResponse {
    hits = List.copyOf(hits);
  }
}

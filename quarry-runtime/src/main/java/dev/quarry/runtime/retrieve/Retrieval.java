package dev.quarry.runtime.retrieve;

import java.util.List;
import java.util.Map;

/**
 * Chunks best first across every searched collection, the index generation read in each, and the
 * query's vector under each collection's model where the search computed one ({@code
 * queryVectors}, by collection name; a search answered from the result cache computes none), so
 * later stages need not embed the query again; {@code degraded}, why a search gave less than it was
 * configured to (a re-ranker that could not answer in time: that collection's fused order is kept).
 */
public record Retrieval(List<RetrievedChunk> chunks, Map<String, Long> generations, Map<String, float[]> queryVectors,
    List<String> degraded) {
  public Retrieval {
    chunks = List.copyOf(chunks);
    generations = Map.copyOf(generations);
    queryVectors = Map.copyOf(queryVectors);
    degraded = List.copyOf(degraded);
  }

  public Retrieval(List<RetrievedChunk> chunks, Map<String, Long> generations, Map<String, float[]> queryVectors) {
    this(chunks, generations, queryVectors, List.of());
  }

  public Retrieval(List<RetrievedChunk> chunks, Map<String, Long> generations) {
    this(chunks, generations, Map.of());
  }

  public static final Retrieval EMPTY = new Retrieval(List.of(), Map.of());
}

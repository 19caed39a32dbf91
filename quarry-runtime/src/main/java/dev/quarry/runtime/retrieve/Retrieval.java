package dev.quarry.runtime.retrieve;

import java.util.List;
import java.util.Map;

/**
 * Chunks best first across every searched collection, the index generation read in each, and the
 * query's vector under each collection's model where the search computed one ({@code
 * queryVectors}, by collection name; a search answered from the result cache computes none), so
 * later stages need not embed the query again.
 */
public record Retrieval(List<RetrievedChunk> chunks, Map<String, Long> generations, Map<String, float[]> queryVectors) {
  public Retrieval {
    chunks = List.copyOf(chunks);
    generations = Map.copyOf(generations);
    queryVectors = Map.copyOf(queryVectors);
  }

  public Retrieval(List<RetrievedChunk> chunks, Map<String, Long> generations) {
    this(chunks, generations, Map.of());
  }

  public static final Retrieval EMPTY = new Retrieval(List.of(), Map.of());
}

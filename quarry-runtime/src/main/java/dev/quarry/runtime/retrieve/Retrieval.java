package dev.quarry.runtime.retrieve;

import java.util.List;
import java.util.Map;

/** Chunks best first across every searched collection, and the index generation read in each. */
public record Retrieval(List<RetrievedChunk> chunks, Map<String, Long> generations) {
  public Retrieval {
    chunks = List.copyOf(chunks);
    generations = Map.copyOf(generations);
  }

  public static final Retrieval EMPTY = new Retrieval(List.of(), Map.of());
}

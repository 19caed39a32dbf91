package dev.quarry.core.search;

import java.util.List;

/** A retriever's answer: chunks best first, and the index generation it read. */
public record RankedList(String retriever, List<ScoredChunkRef> items, long generation) {
  public RankedList {
    items = List.copyOf(items);
  }
}

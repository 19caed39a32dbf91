package dev.quarry.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearcherGroupingTest {

  @Test
  void aDocumentRanksWhereItsBestChunkRanks() {
    var list = new RankedList("lexical", List.of(
        new ScoredChunkRef("a#2", "a", 9), new ScoredChunkRef("b#0", "b", 8),
        new ScoredChunkRef("a#0", "a", 7), new ScoredChunkRef("c#1", "c", 6)), 3);
    var grouped = Searcher.bestChunkPerDocument(list);
    assertEquals(List.of("a#2", "b#0", "c#1"), grouped.items().stream().map(ScoredChunkRef::chunkId).toList());
    assertEquals(3, grouped.generation());
  }
}

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

  @Test
  void aDocumentFusesOnceWhenRetrieversPreferDifferentChunksOfIt() {
    var lexical = new RankedList("lexical", List.of(new ScoredChunkRef("a#0", "a", 9), new ScoredChunkRef("b#0", "b", 8)), 1);
    var vector = new RankedList("vector", List.of(new ScoredChunkRef("b#3", "b", 0.9f), new ScoredChunkRef("a#2", "a", 0.8f)), 1);
    var aligned = Searcher.oneChunkPerDocument(List.of(lexical, vector));
    var fused = dev.quarry.search.fusion.Fusers.of(dev.quarry.core.search.Fusion.rrf()).fuse(aligned, 10);
    assertEquals(2, fused.size());
    // a ranks first in lexical (rank 1) and b first in vector (rank 1): each keeps the chunk of its best rank
    assertEquals(java.util.Set.of("a#0", "b#3"), fused.stream().map(dev.quarry.core.search.FusedResult::chunkId).collect(java.util.stream.Collectors.toSet()));
    assertEquals(0.8f, aligned.get(1).items().get(1).score());
  }
}

package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

class FusionPropertiesTest {

  private static RankedList list(String name, List<Integer> ids) {
    List<ScoredChunkRef> items = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      items.add(new ScoredChunkRef("d" + ids.get(i) + "#0", "d" + ids.get(i), ids.size() - i));
    }
    return new RankedList(name, items, 1);
  }

  @Property
  void everyCandidateSurvivesAndScoresNeverIncrease(
      @ForAll @Size(max = 30) @UniqueElements List<@IntRange(max = 50) Integer> lexical,
      @ForAll @Size(max = 30) @UniqueElements List<@IntRange(max = 50) Integer> vector,
      @ForAll @DoubleRange(min = 0, max = 1) double weight,
      @ForAll boolean rrf) {
    Fusion fusion = rrf ? new Fusion(dev.quarry.core.search.FusionMethod.RRF, weight, 60) : Fusion.weighted(weight);
    List<FusedResult> fused =
        Fusers.of(fusion).fuse(List.of(list("lexical", lexical), list("vector", vector)), 1000);
    Set<Integer> expected = new HashSet<>(lexical);
    expected.addAll(vector);
    assertEquals(expected.size(), fused.size());
    for (int i = 1; i < fused.size(); i++) {
      assertTrue(fused.get(i - 1).score() >= fused.get(i).score());
    }
  }

  @Property
  void orderOfListsDoesNotMatter(
      @ForAll @Size(max = 20) @UniqueElements List<@IntRange(max = 30) Integer> lexical,
      @ForAll @Size(max = 20) @UniqueElements List<@IntRange(max = 30) Integer> vector) {
    var a = Fusers.of(Fusion.rrf()).fuse(List.of(list("lexical", lexical), list("vector", vector)), 10);
    var b = Fusers.of(Fusion.rrf()).fuse(List.of(list("vector", vector), list("lexical", lexical)), 10);
    assertEquals(a.stream().map(FusedResult::chunkId).toList(), b.stream().map(FusedResult::chunkId).toList());
  }
}

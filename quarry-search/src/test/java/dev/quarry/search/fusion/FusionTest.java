package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionTest {

  private static RankedList list(String name, Object... idScore) {
    var items = new java.util.ArrayList<ScoredChunkRef>();
    for (int i = 0; i < idScore.length; i += 2) {
      String id = (String) idScore[i];
      items.add(new ScoredChunkRef(id, id.split("#")[0], ((Number) idScore[i + 1]).floatValue()));
    }
    return new RankedList(name, items, 1);
  }

  @Test
  void rrfSumsReciprocalRanksWithTheRankConstant() {
    var lex = list("lexical", "a#0", 9.0, "b#0", 5.0, "c#0", 1.0);
    var vec = list("vector", "c#0", 0.9, "a#0", 0.8);
    List<FusedResult> fused = Fusers.of(Fusion.rrf()).fuse(List.of(lex, vec), 10);
    // a: 1/61 + 1/62 = 0.032522; c: 1/63 + 1/61 = 0.032266; b: 1/62 = 0.016129
    assertEquals(List.of("a#0", "c#0", "b#0"), fused.stream().map(FusedResult::chunkId).toList());
    assertEquals(1.0 / 61 + 1.0 / 62, fused.get(0).score(), 1e-12);
    assertEquals(1.0 / 63 + 1.0 / 61, fused.get(1).score(), 1e-12);
    assertEquals(2, fused.get(0).contributions().size());
    assertEquals(2, fused.get(0).contributions().get(1).rank());
  }

  @Test
  void rrfVectorWeightShiftsTheBalance() {
    var lex = list("lexical", "a#0", 9.0, "b#0", 5.0);
    var vec = list("vector", "b#0", 0.9, "a#0", 0.8);
    var lexHeavy = Fusers.of(new Fusion(dev.quarry.core.search.FusionMethod.RRF, 0.2, 60)).fuse(List.of(lex, vec), 2);
    var vecHeavy = Fusers.of(new Fusion(dev.quarry.core.search.FusionMethod.RRF, 0.8, 60)).fuse(List.of(lex, vec), 2);
    assertEquals("a#0", lexHeavy.getFirst().chunkId());
    assertEquals("b#0", vecHeavy.getFirst().chunkId());
  }

  @Test
  void weightedFusionMinMaxNormalisesEachList() {
    var lex = list("lexical", "a#0", 10.0, "b#0", 6.0, "c#0", 2.0);
    var vec = list("vector", "c#0", 0.9, "b#0", 0.7, "a#0", 0.5);
    var fused = Fusers.of(Fusion.weighted(0.5)).fuse(List.of(lex, vec), 3);
    // a: 0.5*1 + 0.5*0 = 0.5; b: 0.5*0.5 + 0.5*0.5 = 0.5; c: 0.5*0 + 0.5*1 = 0.5 -> ties by id, descending
    assertEquals(List.of("c#0", "b#0", "a#0"), fused.stream().map(FusedResult::chunkId).toList());
    fused.forEach(r -> assertEquals(0.5, r.score(), 1e-6));
    var vecOnly = Fusers.of(Fusion.weighted(1.0)).fuse(List.of(lex, vec), 3);
    assertEquals(List.of("c#0", "b#0", "a#0"), vecOnly.stream().map(FusedResult::chunkId).toList());
  }

  @Test
  void weightedFusionOfConstantListNormalisesToOne() {
    var lex = list("lexical", "a#0", 3.0, "b#0", 3.0);
    var fused = new WeightedScoreFusion(ListWeights.equal()).fuse(List.of(lex), 5);
    assertEquals(1.0, fused.get(0).score(), 0);
    assertEquals(1.0, fused.get(1).score(), 0);
  }

  @Test
  void dbsfFusionNormalisesEachListBetweenMeanPlusMinusThreeSigma() {
    var lex = list("lexical", "a#0", 10.0, "b#0", 6.0, "c#0", 2.0);
    var vec = list("vector", "c#0", 0.9, "b#0", 0.7, "a#0", 0.5);
    var fused = Fusers.of(new Fusion(dev.quarry.core.search.FusionMethod.DBSF, 0.5, 60)).fuse(List.of(lex, vec), 3);
    // both lists are evenly spaced, so one list's gain above 0.5 is the other's loss: every equal-weight sum is 0.5
    fused.forEach(r -> assertEquals(0.5, r.score(), 1e-6));
    var lexHeavy = Fusers.of(new Fusion(dev.quarry.core.search.FusionMethod.DBSF, 0.2, 60)).fuse(List.of(lex, vec), 3);
    assertEquals("a#0", lexHeavy.getFirst().chunkId());
    double sd = Math.sqrt(32.0 / 3);
    assertEquals(0.8 * (10 - (6 - 3 * sd)) / (6 * sd) + 0.2 * (0.5 - (0.7 - 3 * Math.sqrt(0.08 / 3))) / (6 * Math.sqrt(0.08 / 3)),
        lexHeavy.getFirst().score(), 1e-5);
  }

  @Test
  void fusionIsCutAtK() {
    var lex = list("lexical", "a#0", 3.0, "b#0", 2.0, "c#0", 1.0);
    assertEquals(2, Fusers.of(Fusion.rrf()).fuse(List.of(lex), 2).size());
  }

  @Test
  void negativeWeightIsRejectedWithItsName() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ListWeights(Map.of("vector", -1.0), 1));
    assertEquals("weight of 'vector' must be finite and >= 0, got: -1.0", e.getMessage());
  }
}

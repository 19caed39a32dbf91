package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Score completion in the normalised fusions: a candidate one list missed is normalised with that
 * list's statistics at its completed score instead of taking the list's floor. Hand-made cases with
 * the numbers worked out in the comments.
 */
class ScoreCompletionTest {

  private static RankedList list(String name, Object... idScore) {
    List<ScoredChunkRef> items = new ArrayList<>();
    for (int i = 0; i < idScore.length; i += 2) {
      String id = (String) idScore[i];
      items.add(new ScoredChunkRef(id, id.split("#")[0], ((Number) idScore[i + 1]).floatValue()));
    }
    return new RankedList(name, items, 1);
  }

  private static CompletingFuser fuser(FusionMethod method) {
    return (CompletingFuser) Fusers.of(new Fusion(method, 0.5, 60).withComplete(true));
  }

  private static FusedResult find(List<FusedResult> fused, String chunkId) {
    return fused.stream().filter(r -> r.chunkId().equals(chunkId)).findFirst().orElseThrow();
  }

  // lexical: a 10, b 6, c 2 (min 2, range 8); vector: a 0.9, d 0.5 (min 0.5, range 0.4)
  private static final RankedList LEX = list("lexical", "a#0", 10, "b#0", 6, "c#0", 2);
  private static final RankedList VEC = list("vector", "a#0", 0.9, "d#0", 0.5);
  private static final Map<String, Map<String, Float>> COMPLETED = Map.of(
      "lexical", Map.of("d#0", 0f),
      "vector", Map.of("b#0", 0.7f, "c#0", 0.3f));

  @Test
  void weightedMinMaxNormalisesACompletedScoreWithTheListsMinAndMax() {
    List<FusedResult> fused = fuser(FusionMethod.WEIGHTED).fuse(List.of(LEX, VEC), 10, COMPLETED);
    // a: 0.5 * 1 + 0.5 * 1 = 1
    // b: 0.5 * (6 - 2) / 8 + 0.5 * (0.7 - 0.5) / 0.4 = 0.25 + 0.25 = 0.5 (0 without completion)
    // d: 0.5 * (0 - 2) / 8 + 0.5 * 0 = -0.125: below the lexical floor
    // c: 0.5 * 0 + 0.5 * (0.3 - 0.5) / 0.4 = -0.25
    assertEquals(List.of("a#0", "b#0", "d#0", "c#0"), fused.stream().map(FusedResult::chunkId).toList());
    assertEquals(1.0, fused.get(0).score(), 1e-6);
    assertEquals(0.5, fused.get(1).score(), 1e-6);
    assertEquals(-0.125, fused.get(2).score(), 1e-6);
    assertEquals(-0.25, fused.get(3).score(), 1e-6);
  }

  @Test
  void withoutCompletedScoresWeightedFusionIsUnchanged() {
    List<FusedResult> plain = Fusers.of(new Fusion(FusionMethod.WEIGHTED, 0.5, 60)).fuse(List.of(LEX, VEC), 10);
    assertEquals(plain, fuser(FusionMethod.WEIGHTED).fuse(List.of(LEX, VEC), 10, Map.of()));
    assertEquals(0.25, find(plain, "b#0").score(), 1e-6);
    assertEquals(0.0, find(plain, "d#0").score(), 1e-6);
  }

  @Test
  void dbsfLiftsACompletedCandidateFromTheFloorByItsNormalisedScore() {
    // lexical: a 3, b 1: mean 2, sd 1, norm(s) = (s + 1) / 6, floor = norm(1) = 1/3
    // vector: a 0.8, c 0.2: mean 0.5, sd 0.3, norm(s) = (s + 0.4) / 1.8, floor = norm(0.2) = 1/3
    RankedList lex = list("lexical", "a#0", 3, "b#0", 1);
    RankedList vec = list("vector", "a#0", 0.8, "c#0", 0.2);
    var completed = Map.of("lexical", Map.of("c#0", 0f), "vector", Map.of("b#0", 0.5f));
    List<FusedResult> fused = fuser(FusionMethod.DBSF).fuse(List.of(lex, vec), 10, completed);
    // every candidate starts at 0.5 * 1/3 + 0.5 * 1/3 = 1/3
    // a: 1/3 + 0.5 * (4/6 - 1/3) + 0.5 * (1.2/1.8 - 1/3) = 2/3
    // b: 1/3 + 0.5 * (0.9/1.8 - 1/3) = 5/12 (1/3 without completion)
    // c: 1/3 + 0.5 * (1/6 - 1/3) = 1/4: BM25 0 is below the lexical floor
    assertEquals(List.of("a#0", "b#0", "c#0"), fused.stream().map(FusedResult::chunkId).toList());
    assertEquals(2.0 / 3, fused.get(0).score(), 1e-6);
    assertEquals(5.0 / 12, fused.get(1).score(), 1e-6);
    assertEquals(1.0 / 4, fused.get(2).score(), 1e-6);
  }

  @Test
  void aCompletedContributionSaysSoAndHasNoRank() {
    List<FusedResult> fused = fuser(FusionMethod.WEIGHTED).fuse(List.of(LEX, VEC), 10, COMPLETED);
    List<Contribution> b = find(fused, "b#0").contributions();
    assertEquals(List.of(new Contribution("lexical", 2, 6.0), Contribution.completed("vector", 0.7f)), b);
    assertTrue(b.get(1).completed());
    assertEquals(0, b.get(1).rank());
    assertFalse(find(fused, "a#0").contributions().stream().anyMatch(Contribution::completed));
  }

  @Test
  void aCompletedScoreForAChunkNoListRetrievedOrOneTheListHasIsIgnored() {
    var completed = Map.of("vector", Map.of("zzz#0", 1f, "a#0", 0f, "b#0", 0.7f));
    for (FusionMethod method : List.of(FusionMethod.WEIGHTED, FusionMethod.DBSF)) {
      List<FusedResult> fused = fuser(method).fuse(List.of(LEX, VEC), 10, completed);
      assertEquals(4, fused.size(), method + ": no candidate made up");
      assertEquals(2, find(fused, "a#0").contributions().size(), method + ": a retrieved score is not replaced");
    }
  }

  @Test
  void aConstantListHasNoRangeToCompleteWith() {
    RankedList flat = list("vector", "a#0", 0.5, "d#0", 0.5);
    var completed = Map.of("vector", Map.of("b#0", 0.9f));
    for (FusionMethod method : List.of(FusionMethod.WEIGHTED, FusionMethod.DBSF)) {
      List<FusedResult> plain = Fusers.of(new Fusion(method, 0.5, 60)).fuse(List.of(LEX, flat), 10);
      assertEquals(plain, fuser(method).fuse(List.of(LEX, flat), 10, completed), method.name());
    }
  }

  @Test
  void onlyTheNormalisedFusionsComplete() {
    assertThrows(IllegalArgumentException.class, () -> Fusion.rrf().withComplete(true));
    assertThrows(IllegalArgumentException.class, () -> new Fusion(FusionMethod.LEARNED, 0.5, 60).withComplete(true));
    assertFalse(Fusion.weighted(0.6).complete(), "off by default");
  }
}

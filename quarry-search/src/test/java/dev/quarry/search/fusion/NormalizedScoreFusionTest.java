package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizedScoreFusionTest {

  private static RankedList list(String name, double... scores) {
    List<ScoredChunkRef> items = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      String id = name.charAt(0) + "" + i;
      items.add(new ScoredChunkRef(id, id, (float) scores[i]));
    }
    return new RankedList(name, items, 1);
  }

  private static ListWeights vector(double w) {
    return new ListWeights(Map.of("lexical", 1 - w, "vector", w), 1.0);
  }

  private static double scoreOf(List<FusedResult> fused, String id) {
    return fused.stream().filter(r -> r.chunkId().equals(id)).findFirst().orElseThrow().score();
  }

  @Test
  void dbsfMapsMeanPlusMinusThreeSigmaToZeroAndOne() {
    // scores 1, 2, 3: mean 2, population sd sqrt(2/3); DBSF maps s to (s - (2 - 3sd)) / 6sd
    var fused = new NormalizedScoreFusion(ScoreNormalization.DBSF, ListWeights.equal(), 100, 0)
        .fuse(List.of(list("lexical", 3, 2, 1)), 10);
    double sd = Math.sqrt(2.0 / 3);
    assertEquals((3 - (2 - 3 * sd)) / (6 * sd), scoreOf(fused, "l0"), 1e-9);
    assertEquals(0.5, scoreOf(fused, "l1"), 1e-9);
    assertEquals((1 - (2 - 3 * sd)) / (6 * sd), scoreOf(fused, "l2"), 1e-9);
  }

  @Test
  void zScoreCentresEachListOnItsMean() {
    var fused = new NormalizedScoreFusion(ScoreNormalization.Z_SCORE, ListWeights.equal(), 100, 0)
        .fuse(List.of(list("lexical", 30, 20, 10)), 10);
    double sd = Math.sqrt(200.0 / 3);
    assertEquals(10 / sd, scoreOf(fused, "l0"), 1e-9);
    assertEquals(0, scoreOf(fused, "l1"), 1e-9);
    assertEquals(-10 / sd, scoreOf(fused, "l2"), 1e-9);
  }

  @Test
  void minMaxOverTheWholeListIsTheClassicWeightedFusion() {
    var lex = list("lexical", 10, 6, 2);
    var vec = list("vector", 0.9, 0.7, 0.5);
    var ours = new NormalizedScoreFusion(ScoreNormalization.MIN_MAX, vector(0.6), 1000, 0).fuse(List.of(lex, vec), 10);
    var classic = new WeightedScoreFusion(vector(0.6)).fuse(List.of(lex, vec), 10);
    assertEquals(classic.stream().map(FusedResult::chunkId).toList(), ours.stream().map(FusedResult::chunkId).toList());
    for (int i = 0; i < ours.size(); i++) {
      assertEquals(classic.get(i).score(), ours.get(i).score(), 1e-9);
    }
  }

  @Test
  void aCandidateAbsentFromAListScoresThatListsFloorNotBelowIt() {
    // z-scores: absent from the vector list must not beat the vector list's last item
    var lex = list("lexical", 5, 4);
    var vec = list("vector", 0.9, 0.1);
    var fused = new NormalizedScoreFusion(ScoreNormalization.Z_SCORE, vector(0.5), 100, 0).fuse(List.of(lex, vec), 10);
    // l1 is absent from the vector list: it gets the vector floor (v1's z-score), as v1 gets the lexical floor
    assertEquals(scoreOf(fused, "l1"), scoreOf(fused, "v1"), 1e-9);
  }

  @Test
  void itemsBelowTheWindowCountAsTheFloorSoDeeperListsDoNotReorderTheTop() {
    var shallow = List.of(list("lexical", 9, 8, 7), list("vector", 0.9, 0.8, 0.7));
    var deep = List.of(list("lexical", 9, 8, 7, 1, 0.5), list("vector", 0.9, 0.8, 0.7, 0.1, 0.05));
    var a = new NormalizedScoreFusion(ScoreNormalization.DBSF, vector(0.5), 3, 0).fuse(shallow, 6);
    var b = new NormalizedScoreFusion(ScoreNormalization.DBSF, vector(0.5), 3, 0).fuse(deep, 6);
    // the four candidates above the floor in some list; the rest tie at the floors either way
    for (int i = 0; i < 4; i++) {
      assertEquals(a.get(i).chunkId(), b.get(i).chunkId());
      assertEquals(a.get(i).score(), b.get(i).score(), 1e-9);
    }
    assertEquals(a.get(4).score(), b.get(5).score(), 1e-9);
  }

  @Test
  void adaptiveWeightsFavourTheListWhoseTopHitStandsOut() {
    // the lexical list's best hit stands far above the rest; the vector list is flat
    var lex = list("lexical", 20, 5, 4, 3, 2);
    var vec = list("vector", 0.82, 0.81, 0.80, 0.79, 0.78);
    var fixed = new NormalizedScoreFusion(ScoreNormalization.Z_SCORE, vector(0.5), 100, 0).fuse(List.of(lex, vec), 10);
    var adaptive = new NormalizedScoreFusion(ScoreNormalization.Z_SCORE, vector(0.5), 100, 1).fuse(List.of(lex, vec), 10);
    double fixedGap = scoreOf(fixed, "l0") - scoreOf(fixed, "v0");
    double adaptiveGap = scoreOf(adaptive, "l0") - scoreOf(adaptive, "v0");
    assertEquals("l0", adaptive.getFirst().chunkId());
    org.junit.jupiter.api.Assertions.assertTrue(adaptiveGap > fixedGap, adaptiveGap + " vs " + fixedGap);
  }

  @Test
  void aListWithOneHitStillLiftsThatHitAboveCandidatesItLacks() {
    // NFCorpus: a short query often has a single BM25 hit; it must count for that document
    var lex = list("lexical", 7.5);
    var vec = list("vector", 0.9, 0.8, 0.7);
    for (ScoreNormalization norm : ScoreNormalization.values()) {
      var fused = new NormalizedScoreFusion(norm, vector(0.6), 100, 0).fuse(List.of(lex, vec), 10);
      assertEquals(0.4, scoreOf(fused, "l0") - scoreOf(fused, "v2"), 1e-9, norm + ": the lexical share of presence");
    }
  }

  @Test
  void badSettingsAreRejectedWithTheirValue() {
    assertEquals("normalisation window must be at least 1, got: 0", assertThrows(IllegalArgumentException.class,
        () -> new NormalizedScoreFusion(ScoreNormalization.DBSF, ListWeights.equal(), 0, 0)).getMessage());
    assertEquals("adaptivity must be finite and >= 0, got: -1.0", assertThrows(IllegalArgumentException.class,
        () -> new NormalizedScoreFusion(ScoreNormalization.DBSF, ListWeights.equal(), 10, -1)).getMessage());
  }
}

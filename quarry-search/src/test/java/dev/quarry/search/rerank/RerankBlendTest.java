package dev.quarry.search.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.FusedResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RerankBlendTest {

  private static List<FusedResult> ranked(double... scores) {
    List<FusedResult> out = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      out.add(new FusedResult("c" + i, "d" + i, scores[i], List.of()));
    }
    return out;
  }

  private static List<String> ids(List<FusedResult> results) {
    return results.stream().map(FusedResult::chunkId).toList();
  }

  @Test
  void weightOneOrdersTheHeadByTheRerankerAlone() {
    var b = RerankBlend.apply(ranked(0.9, 0.8, 0.7, 0.1), 3, List.of(1.0, 5.0, 3.0), "ce", 1.0);
    assertEquals(List.of("c1", "c2", "c0", "c3"), ids(b.results()));
  }

  @Test
  void blendIsTheWeightedSumOfMinMaxNormalisedStageScores() {
    var b = RerankBlend.apply(ranked(0.9, 0.8, 0.5), 3, List.of(0.0, 1.0, 0.5), "e5", 0.5);
    // c0: 0.5*1 + 0.5*0 = 0.5; c1: 0.5*0.75 + 0.5*1 = 0.875; c2: 0.5*0 + 0.5*0.5 = 0.25
    assertEquals(List.of("c1", "c0", "c2"), ids(b.results()));
    assertEquals(0.875, b.results().get(0).score(), 1e-9);
    assertEquals(0.5, b.results().get(1).score(), 1e-9);
    var explained = b.explanations().get("c1");
    assertEquals(1.0, explained.rerankScore(), 0);
    assertEquals(0.8, explained.firstStageScore(), 0);
    assertEquals(0.5, explained.weight(), 0);
  }

  @Test
  void theTailKeepsItsOrderBelowEveryRescoredCandidate() {
    var b = RerankBlend.apply(ranked(0.9, 0.8, 0.7, 0.6, 0.2), 2, List.of(2.0, 1.0), "e5", 1.0);
    assertEquals(List.of("c0", "c1", "c2", "c3", "c4"), ids(b.results()));
    for (int i = 1; i < b.results().size(); i++) {
      assertTrue(b.results().get(i - 1).score() > b.results().get(i).score(), "scores must fall: " + b.results());
    }
    assertEquals(2, b.explanations().size());
  }

  @Test
  void aScoreCountThatDoesNotMatchTheCandidatesIsRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> RerankBlend.apply(ranked(0.9, 0.8), 2, List.of(1.0), "remote", 1.0));
    assertEquals("re-ranker 'remote' returned 1 scores for 2 candidates", e.getMessage());
  }
}

package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.FusionModel;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The features of learned fusion, and a model's ranking of them. */
class LearnedScoreFusionTest {

  static RankedList list(String name, Object... idScore) {
    List<ScoredChunkRef> items = new java.util.ArrayList<>();
    for (int i = 0; i < idScore.length; i += 2) {
      items.add(new ScoredChunkRef((String) idScore[i], (String) idScore[i], ((Number) idScore[i + 1]).floatValue()));
    }
    return new RankedList(name, items, 0);
  }

  static final List<RankedList> LISTS = List.of(
      list(Fusers.LEXICAL, "a", 12.0, "b", 8.0, "c", 2.0),
      list(Fusers.VECTOR, "c", 0.9, "d", 0.8, "a", 0.5));

  static double feature(FusionFeatures.Candidates c, String id, String name) {
    for (int i = 0; i < c.items().size(); i++) {
      if (c.items().get(i).chunkId().equals(id)) {
        return c.features()[i][FusionFeatures.NAMES.indexOf(name)];
      }
    }
    throw new AssertionError("no candidate " + id);
  }

  @Test
  void featuresNormaliseEachListAndMarkAbsence() {
    FusionFeatures.Candidates c = FusionFeatures.of(LISTS, 100);
    assertEquals(List.of("a", "b", "c", "d"), c.items().stream().map(ScoredChunkRef::chunkId).toList());
    assertEquals(1.0, feature(c, "a", "lexical_minmax"), 1e-9);
    assertEquals(0.6, feature(c, "b", "lexical_minmax"), 1e-6);
    assertEquals(0.0, feature(c, "d", "lexical_minmax"));
    assertEquals(0.0, feature(c, "d", "lexical_present"));
    assertEquals(1.0, feature(c, "d", "vector_present"));
    assertEquals(61.0 / 62, feature(c, "d", "vector_rrf"), 1e-12);
    assertEquals(0.0, feature(c, "b", "vector_rrf"));
    // absent from the vector list: the z-score of the list's last item, as deep as absence goes
    assertEquals(feature(c, "a", "vector_z"), feature(c, "b", "vector_z"), 1e-9);
    assertTrue(feature(c, "c", "vector_z") > feature(c, "d", "vector_z"));
  }

  @Test
  void theWindowBoundsTheNormalisation() {
    // with a window of 2, the lexical list's floor is b: c, deeper, counts as b and is not present
    FusionFeatures.Candidates c = FusionFeatures.of(LISTS, 2);
    assertEquals(0.0, feature(c, "b", "lexical_minmax"));
    assertEquals(0.0, feature(c, "c", "lexical_minmax"));
    assertEquals(0.0, feature(c, "c", "lexical_present"));
    assertEquals(feature(c, "b", "lexical_z"), feature(c, "c", "lexical_z"), 1e-9);
  }

  @Test
  void aModelRanksByItsWeightedFeatures() {
    FusionModel lexicalOnly = new FusionModel(List.of("lexical_minmax"), List.of(1.0), 100, "j");
    List<FusedResult> byLexical = new LearnedScoreFusion(lexicalOnly).fuse(LISTS, 10);
    // c (the lexical floor) and d (absent) both score 0: the tie breaks by id descending
    assertEquals(List.of("a", "b", "d", "c"), byLexical.stream().map(FusedResult::chunkId).toList());
    FusionModel vectorRanks = new FusionModel(List.of("vector_rrf", "lexical_present"), List.of(1.0, 0.01), 100, "j");
    List<FusedResult> byVector = Fusers.of(Fusion.learned(vectorRanks)).fuse(LISTS, 2);
    assertEquals(List.of("c", "d"), byVector.stream().map(FusedResult::chunkId).toList());
    assertEquals(2, byVector.getFirst().contributions().size(), "c is in both lists");
  }

  @Test
  void anUnknownFeatureOrAMissingModelIsAClearError() {
    FusionModel future = new FusionModel(List.of("title_bm25"), List.of(1.0), 100, "j");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LearnedScoreFusion(future));
    assertTrue(e.getMessage().contains("'title_bm25', which this version does not compute")
        && e.getMessage().contains("fit it again"), e.getMessage());
    Fusion unresolved = new Fusion(FusionMethod.LEARNED, 0.5, 60);
    RuntimeException missing = assertThrows(RuntimeException.class, () -> Fusers.of(unresolved));
    assertTrue(missing.getMessage().contains("quarry tune"), missing.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Fusion(FusionMethod.WEIGHTED, 0.6, 60, java.util.Optional.of(future)));
  }

  @Test
  void aTextModelRanksByTheCandidatesChunksAndRefusesToRankWithoutThem() {
    FusionModel byText = new FusionModel(List.of("text_match", "vector_rrf"), List.of(0.9, 0.1), 100, "j");
    LearnedScoreFusion fusion = new LearnedScoreFusion(byText);
    assertTrue(fusion.usesText());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> fusion.fuse(LISTS, 10));
    assertTrue(e.getMessage().contains("text features"), e.getMessage());
    CandidateTexts texts = new CandidateTexts("sourdough bread", java.util.Map.of(
        "a", TextFeaturesTest.chunk("a", "", "Volcanoes"),
        "b", TextFeaturesTest.chunk("b", "", "Sourdough bread rises"),
        "c", TextFeaturesTest.chunk("c", "", "Bread"),
        "d", TextFeaturesTest.chunk("d", "", "Lava")));
    // b matches both terms, c one; then the vector ranks order the rest (d at rank 2, a at 3)
    assertEquals(List.of("b", "c", "d", "a"),
        fusion.fuse(LISTS, 10, texts).stream().map(FusedResult::chunkId).toList());
  }

  @Test
  void aModelOfTheTenListFeaturesNeedsNoTexts() {
    // a model fitted before the text features existed names the ten list features only
    List<Double> weights = java.util.Collections.nCopies(10, 0.1);
    FusionModel old = new FusionModel(FusionFeatures.NAMES.subList(0, 10), weights, 100, "j");
    assertEquals(FusionFeatures.LIST_NAMES, old.features());
    LearnedScoreFusion fusion = new LearnedScoreFusion(old);
    assertTrue(!fusion.usesText());
    assertEquals(fusion.fuse(LISTS, 10), fusion.fuse(LISTS, 10, new CandidateTexts("volcano", java.util.Map.of(
        "a", TextFeaturesTest.chunk("a", "Volcano", "volcano volcano")))), "text features weigh nothing");
  }

  @Test
  void theModelFingerprintMovesWithEveryParameter() {
    FusionModel m = new FusionModel(List.of("lexical_minmax", "vector_minmax"), List.of(0.4, 0.6), 100, "j1");
    assertEquals(m.fingerprint(), new FusionModel(List.of("lexical_minmax", "vector_minmax"), List.of(0.4, 0.6), 100, "j1").fingerprint());
    assertNotEquals(m.fingerprint(), new FusionModel(m.features(), List.of(0.41, 0.59), 100, "j1").fingerprint());
    assertNotEquals(m.fingerprint(), new FusionModel(m.features(), m.weights(), 50, "j1").fingerprint());
    assertNotEquals(m.fingerprint(), new FusionModel(m.features(), m.weights(), 100, "j2").fingerprint());
    assertNotEquals(m.fingerprint(), new FusionModel(List.of("lexical_minmax", "text_match"), m.weights(), 100, "j1")
        .fingerprint(), "the features are part of it");
  }
}

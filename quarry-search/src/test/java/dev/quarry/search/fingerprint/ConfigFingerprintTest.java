package dev.quarry.search.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.FusionModel;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.VectorFeedback;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fingerprint covers a learned fusion's parameters, and leaves the other fusions' as they were. */
class ConfigFingerprintTest {

  static final IndexManifest MANIFEST = new IndexManifest(IndexManifest.CURRENT_FORMAT, "bge-small-en-v1.5-q", 384,
      Similarity.COSINE, VectorEncoding.INT8, ChunkerConfig.DEFAULT);

  static String of(Fusion f) {
    return ConfigFingerprint.of(MANIFEST, SearchRequest.of("q").withFusion(f));
  }

  @Test
  void aLearnedFusionsModelIsPartOfTheFingerprint() {
    FusionModel a = new FusionModel(List.of("lexical_minmax", "vector_minmax"), List.of(0.4, 0.6), 100, "j1");
    FusionModel b = new FusionModel(List.of("lexical_minmax", "vector_minmax"), List.of(0.3, 0.7), 100, "j1");
    FusionModel fromOtherJudgments = new FusionModel(a.features(), a.weights(), 100, "j2");
    assertEquals(of(Fusion.learned(a)), of(Fusion.learned(a)));
    assertNotEquals(of(Fusion.learned(a)), of(Fusion.learned(b)));
    assertNotEquals(of(Fusion.learned(a)), of(Fusion.learned(fromOtherJudgments)));
    assertNotEquals(of(Fusion.learned(a)), of(SearchRequest.DEFAULT_FUSION));
    assertTrue(ConfigFingerprint.components(MANIFEST, SearchRequest.of("q").withFusion(Fusion.learned(a)))
        .get("fusion").endsWith("/model=" + a.fingerprint()));
  }

  @Test
  void otherFusionsKeepTheirComponents() {
    String fusion = ConfigFingerprint.components(MANIFEST, SearchRequest.of("q").withFusion(Fusion.weighted(0.6))).get("fusion");
    assertEquals("weighted/vector_weight=0.6/rank_constant=60", fusion);
    assertFalse(ConfigFingerprint.components(MANIFEST, SearchRequest.of("q").withMode(SearchMode.LEXICAL))
        .containsKey("fusion"));
  }

  @Test
  void scoreCompletionIsInTheFingerprintOnlyWhenOn() {
    Fusion off = Fusion.weighted(0.6);
    Fusion on = off.withComplete(true);
    assertEquals(of(off), of(off.withComplete(false)));
    assertNotEquals(of(off), of(on));
    assertEquals("weighted/vector_weight=0.6/rank_constant=60/complete=on",
        ConfigFingerprint.components(MANIFEST, SearchRequest.of("q").withFusion(on)).get("fusion"));
    assertEquals("dbsf/vector_weight=0.6/rank_constant=60",
        ConfigFingerprint.components(MANIFEST, SearchRequest.of("q")
            .withFusion(new Fusion(FusionMethod.DBSF, 0.6, 60))).get("fusion"));
  }

  @Test
  void vectorFeedbackIsInTheFingerprintOnlyWhenOnAndWhereItActs() {
    SearchRequest off = SearchRequest.of("q");
    SearchRequest on = off.withFeedback(Optional.of(new VectorFeedback(5, 1.0)));
    assertEquals(ConfigFingerprint.of(MANIFEST, off), ConfigFingerprint.of(MANIFEST, off.withFeedback(Optional.empty())));
    assertFalse(ConfigFingerprint.components(MANIFEST, off).containsKey("feedback"));
    assertNotEquals(ConfigFingerprint.of(MANIFEST, off), ConfigFingerprint.of(MANIFEST, on));
    assertNotEquals(ConfigFingerprint.of(MANIFEST, on),
        ConfigFingerprint.of(MANIFEST, off.withFeedback(Optional.of(new VectorFeedback(5, 0.5)))));
    assertEquals("docs=5/weight=1.0", ConfigFingerprint.components(MANIFEST, on).get("feedback"));
    assertEquals("docs=5/weight=1.0", ConfigFingerprint.components(MANIFEST, on.withMode(SearchMode.VECTOR)).get("feedback"));
    // lexical search has no vector to refine: feedback changes nothing, and so not the fingerprint
    assertEquals(ConfigFingerprint.of(MANIFEST, off.withMode(SearchMode.LEXICAL)),
        ConfigFingerprint.of(MANIFEST, on.withMode(SearchMode.LEXICAL)));
  }
}

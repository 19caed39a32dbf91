package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.FusionModel;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.collection.FusionModelFile;
import dev.quarry.search.Searcher;
import dev.quarry.search.fusion.FusionFeatures;
import dev.quarry.search.fusion.LearnedScoreFusion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned fusion with text features as a collection serves it (real Lucene index, real bge
 * embedder): a model weighing {@code text_match} ranks by the candidates' stored chunks, each hit's
 * score is the model's sum over the features {@link Collection#fusionInput} gives {@code quarry
 * tune}, and a model file of the ten list features, as fitted before text features existed, still
 * serves.
 */
class LearnedFusionTextFeaturesTest {

  @TempDir static Path dataDir;
  @TempDir static Path docs;
  @TempDir static Path models;
  static Quarry quarry;
  static Collection collection;

  @BeforeAll
  static void ingest() throws IOException {
    quarry = Quarry.open(EngineConfig.defaults(dataDir));
    collection = FiveAbstracts.ingest(quarry, docs);
  }

  @AfterAll
  static void close() {
    quarry.close();
  }

  private static SearchRequest learned(String query) {
    return SearchRequest.of(query).withK(5).withFusion(new Fusion(FusionMethod.LEARNED, 0.5, 60));
  }

  /** Every hit's score is the model's weighted sum of the features tune computes for its chunk. */
  private static void assertScoresAreTheModelsSumOverTunesFeatures(SearchRequest request, FusionModel model,
      boolean withText) {
    SearchResponse served = collection.search(request);
    Searcher.FusionInput input = collection.fusionInput(request, withText);
    assertEquals(withText, input.texts().isPresent());
    FusionFeatures.Candidates c = input.texts()
        .map(t -> FusionFeatures.of(input.lists(), model.window(), t))
        .orElseGet(() -> FusionFeatures.of(input.lists(), model.window()));
    double[] w = LearnedScoreFusion.weightsOf(model);
    assertFalse(served.hits().isEmpty());
    for (Hit hit : served.hits()) {
      int i = 0;
      while (!c.items().get(i).chunkId().equals(hit.chunk().chunkId())) {
        i++;
      }
      assertEquals(LearnedScoreFusion.score(w, c.features()[i]), hit.score(), 1e-9, hit.chunk().documentId());
    }
  }

  @Test
  void aTextMatchModelRanksByTheStoredChunksAsTuneComputesThem() {
    FusionModel model = new FusionModel(List.of("text_match", "title_match", "vector_minmax"), List.of(0.6, 0.3, 0.1),
        100, "judgments");
    collection.storeFusionModel(model, Map.of());
    SearchRequest request = learned("vitamin supplements and bone fractures");
    SearchResponse served = collection.search(request);
    // d1 holds every content term in its text and one in its title
    assertEquals("d1", served.hits().getFirst().chunk().documentId());
    assertTrue(served.hits().getFirst().score() > 0.6 + 0.3 * 0.25 - 1e-9, served.hits().toString());
    assertScoresAreTheModelsSumOverTunesFeatures(request, model, true);
  }

  @Test
  void aModelFileOfTheTenListFeaturesStillServes() throws IOException {
    // fusion-model.json as quarry tune wrote it before text features existed
    Files.writeString(models.resolve(FusionModelFile.FILE_NAME), """
        {
          "features" : [ "lexical_minmax", "lexical_z", "lexical_rrf", "lexical_present", "lexical_minmax_conf",
                         "vector_minmax", "vector_z", "vector_rrf", "vector_present", "vector_minmax_conf" ],
          "weights" : [ 0.35, 0.02, 0.01, 0.01, 0.01, 0.5, 0.03, 0.03, 0.02, 0.02 ],
          "window" : 100,
          "judgments" : "0123abcd",
          "fingerprint" : "m1-0000000000000000",
          "fitted" : { "dataset" : "scifact", "split" : "train" }
        }
        """);
    FusionModel old = FusionModelFile.read(models).orElseThrow();
    assertEquals(FusionFeatures.LIST_NAMES, old.features());
    assertFalse(new LearnedScoreFusion(old).usesText());
    collection.storeFusionModel(old, Map.of());
    assertScoresAreTheModelsSumOverTunesFeatures(learned("wind and solar electricity"), old, false);
  }
}

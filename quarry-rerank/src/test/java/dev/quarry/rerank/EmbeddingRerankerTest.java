package dev.quarry.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Second-model re-scoring with the shipped e5-small-v2 (int8). */
class EmbeddingRerankerTest {

  static OnnxEmbedder e5;

  @BeforeAll
  static void load() {
    e5 = OnnxEmbedder.open(new OnnxEmbedderConfig("e5-small-v2-q", 1, 1, 8));
  }

  @AfterAll
  static void close() {
    e5.close();
  }

  @Test
  void theRelevantPassageScoresHighest() {
    var candidates = List.of(
        new RerankCandidate("a#0", "a", "The stock market fell sharply on Monday as interest rates rose."),
        new RerankCandidate("b#0", "b", "Vitamin D deficiency is linked to weaker bones and a higher risk of fractures."),
        new RerankCandidate("c#0", "c", "The recipe calls for two eggs and a cup of flour."));
    var scored = assertInstanceOf(RerankOutcome.Scored.class,
        new EmbeddingReranker(e5).score("does a lack of vitamin D harm bone health?", candidates));
    List<Double> s = scored.scores();
    assertTrue(s.get(1) > s.get(0) && s.get(1) > s.get(2), "scores: " + s);
  }

  @Test
  void scoresAreTheDotProductOfTheModelsPrefixedQueryAndPassageVectors() {
    var candidate = new RerankCandidate("a#0", "a", "Title\n\nSome passage text.");
    var scored = assertInstanceOf(RerankOutcome.Scored.class, new EmbeddingReranker(e5).score("a query", List.of(candidate)));
    float[] q = e5.embed(List.of("a query"), InputKind.QUERY)[0];
    float[] p = e5.embed(List.of(candidate.text()), InputKind.DOCUMENT)[0];
    assertEquals(EmbeddingReranker.dot(q, p), scored.scores().getFirst(), 1e-6);
    // e5's prefixes ("query: ", "passage: ") make the same text embed differently by kind
    float[] asPassage = e5.embed(List.of("a query"), InputKind.DOCUMENT)[0];
    assertTrue(EmbeddingReranker.dot(asPassage, q) < 0.999, "prefixes must differ");
  }

  @Test
  void aFailingModelMakesTheOutcomeUnavailable() {
    Embedder failing = new Embedder() {
      @Override
      public EmbeddingModelInfo info() {
        return e5.info();
      }

      @Override
      public float[][] embed(List<String> texts, InputKind kind) {
        throw new IllegalStateException("embedder 'e5-small-v2-q' is closed");
      }
    };
    var outcome = new EmbeddingReranker(failing).score("q", List.of(new RerankCandidate("a#0", "a", "x")));
    assertEquals("model 'e5-small-v2-q' failed: embedder 'e5-small-v2-q' is closed",
        assertInstanceOf(RerankOutcome.Unavailable.class, outcome).reason());
  }
}

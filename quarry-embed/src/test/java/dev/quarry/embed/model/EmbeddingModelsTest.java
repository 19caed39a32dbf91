package dev.quarry.embed.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingModelsTest {

  @Test
  void defaultModelIsQuantisedBgeAndListedFirst() {
    assertEquals("bge-small-en-v1.5-q", EmbeddingModels.defaultModel().id());
    assertEquals(EmbeddingModels.defaultModel(), EmbeddingModels.all().getFirst());
  }

  @Test
  void catalogueHoldsTheFiveModels() {
    assertEquals(
        List.of("bge-small-en-v1.5-q", "bge-small-en-v1.5", "all-minilm-l6-v2-q", "all-minilm-l6-v2", "e5-small-v2-q"),
        EmbeddingModels.all().stream().map(ModelSpec::id).toList());
  }

  @Test
  void bgeUsesClsPoolingAndAQueryPrefixOnly() {
    ModelSpec bge = EmbeddingModels.byId("bge-small-en-v1.5");
    assertEquals(Pooling.CLS, bge.pooling());
    assertEquals("Represent this sentence for searching relevant passages: ", bge.prefix(InputKind.QUERY));
    assertEquals("", bge.prefix(InputKind.DOCUMENT));
    assertEquals("bge-small-en-v1.5.onnx", bge.onnxResource());
    assertEquals("bge-small-en-v1.5-tokenizer.json", bge.tokenizerResource());
  }

  @Test
  void miniLmUsesMeanPoolingNoPrefixAndTheFull512Tokens() {
    ModelSpec miniLm = EmbeddingModels.byId("all-minilm-l6-v2-q");
    assertEquals(Pooling.MEAN, miniLm.pooling());
    assertEquals("", miniLm.prefix(InputKind.QUERY));
    assertEquals("", miniLm.prefix(InputKind.DOCUMENT));
    assertEquals(512, miniLm.maxTokens());
    assertEquals("all-minilm-l6-v2-q-tokenizer.json", miniLm.tokenizerResource());
  }

  @Test
  void e5UsesMeanPoolingAndItsQueryAndPassagePrefixes() {
    ModelSpec e5 = EmbeddingModels.byId("e5-small-v2-q");
    assertEquals(Pooling.MEAN, e5.pooling());
    assertEquals("query: ", e5.prefix(InputKind.QUERY));
    assertEquals("passage: ", e5.prefix(InputKind.DOCUMENT));
    assertEquals("e5-small-v2-q.onnx", e5.onnxResource());
  }

  @Test
  void everyModelIsNormalised384dDotProductWith512Tokens() {
    for (ModelSpec spec : EmbeddingModels.all()) {
      EmbeddingModelInfo info = spec.info();
      assertEquals(spec.id(), info.id());
      assertEquals(384, info.dimension());
      assertEquals(512, info.maxTokens());
      assertEquals(Similarity.DOT_PRODUCT, info.similarity());
      assertTrue(spec.normalized(), spec.id());
      assertEquals(spec.queryPrefix(), info.queryPrefix());
    }
  }

  @Test
  void unknownIdIsRejectedListingTheKnownOnes() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> EmbeddingModels.byId("bge-large"));
    assertEquals(
        "unknown embedding model 'bge-large'; known models: bge-small-en-v1.5-q (default), "
            + "bge-small-en-v1.5, all-minilm-l6-v2-q, all-minilm-l6-v2, e5-small-v2-q",
        e.getMessage());
    assertFalse(EmbeddingModels.find("bge-large").isPresent());
  }

  @Test
  void dotProductWithoutNormalisationIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ModelSpec("m", "m.onnx", "m.json", "g:a", Pooling.CLS, false, 8, 16, Similarity.DOT_PRODUCT, "", ""));
    assertEquals("model m: DOT_PRODUCT similarity needs L2-normalised vectors", e.getMessage());
  }
}

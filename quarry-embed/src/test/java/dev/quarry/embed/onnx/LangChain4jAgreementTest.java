package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.quarry.core.embed.InputKind;
import dev.quarry.embed.model.EmbeddingModels;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Quarry's vectors against an independent computation of the same model (issue 7, item 33):
 * LangChain4j's own embedding classes, shipped in the very jars Quarry takes the ONNX graphs and
 * tokenizer files from, with their own tokenizer calls, ONNX session, pooling and normalisation.
 * Quarry embeds with its defaults ({@link OnnxEmbedderConfig#defaults(String)}: batch 1, the
 * workers' shared session); LangChain4j has no instruction prefix, so for queries it is given
 * Quarry's prefix and the text.
 *
 * <p>Floor: cosine at least {@value #MIN_COSINE} for every sentence and kind. Measured on
 * 2026-12-06 (ONNX Runtime 1.22.0, LangChain4j 1.20.0-beta30, x86-64): the lowest cosine was 1 -
 * 1.3e-15 for bge-small-en-v1.5-q and 1 - 1.8e-15 for bge-small-en-v1.5, i.e. the same floats (both
 * run the same graph with the same kernels, one text per call). The floor leaves room for kernels
 * that batch or round differently, not for a change in tokenising, pooling, normalising or
 * prefixing: a query embedded without its instruction prefix scores 0.987 against the prefixed one
 * ({@link #theFloorWouldCatchAMissingQueryPrefix}).
 */
class LangChain4jAgreementTest {

  static final double MIN_COSINE = 0.9999;

  static final List<String> SENTENCES = List.of(
      "hello world",
      "What is the effect of vitamin D supplementation on bone density in older adults?",
      "Microstructural development of human newborn cerebral white matter assessed in vivo by diffusion tensor "
          + "magnetic resonance imaging.",
      "Café au lait, naïve façades and the Tōkyō (東京) metro: accents, CJK and an emoji 🙂 in one line.",
      "BRCA1/2 mutation carriers (n = 1,024; 95% CI 0.61-0.89, p < 0.001) had a lower risk.",
      """
      Alterations of the architecture of cerebral white matter in the developing human brain can affect \
      cortical development and result in functional disabilities. A line scan diffusion-weighted magnetic \
      resonance imaging sequence with diffusion tensor analysis was applied to measure the apparent diffusion \
      coefficient, to calculate relative anisotropy, and to delineate three-dimensional fiber architecture in \
      cerebral white matter in preterm and full-term infants. To assess effects of prematurity on cerebral white \
      matter development, early gestation preterm infants were studied a second time at term. In the central \
      white matter the mean apparent diffusion coefficient at 28 wk was high and decreased toward term. Relative \
      anisotropy was higher the closer birth was to term with greater absolute values in the internal capsule \
      than in the central white matter.""");

  @Test
  void bgeSmallQuantisedAgreesWithLangChain4j() {
    assertAgreement("bge-small-en-v1.5-q", new BgeSmallEnV15QuantizedEmbeddingModel());
  }

  @Test
  void bgeSmallFloatAgreesWithLangChain4j() {
    assertAgreement("bge-small-en-v1.5", new BgeSmallEnV15EmbeddingModel());
  }

  /** The floor is tight enough to see a query embedded without its instruction prefix. */
  @Test
  void theFloorWouldCatchAMissingQueryPrefix() {
    EmbeddingModel reference = new BgeSmallEnV15QuantizedEmbeddingModel();
    try (OnnxEmbedder quarry = OnnxEmbedder.open(OnnxEmbedderConfig.defaults("bge-small-en-v1.5-q"))) {
      String query = SENTENCES.get(1);
      double cosine = cosine(quarry.embed(List.of(query), InputKind.QUERY)[0], reference.embed(query).content().vector());
      System.out.printf(Locale.ROOT, "query without its prefix: cosine %.4f%n", cosine);
      assertTrue(cosine < MIN_COSINE, "without the prefix, cosine " + cosine);
    }
  }

  private static void assertAgreement(String modelId, EmbeddingModel reference) {
    String prefix = EmbeddingModels.byId(modelId).prefix(InputKind.QUERY);
    assertEquals(EmbeddingModels.BGE_QUERY_PREFIX, prefix);
    double lowest = 1;
    try (OnnxEmbedder quarry = OnnxEmbedder.open(OnnxEmbedderConfig.defaults(modelId))) {
      float[][] documents = quarry.embed(SENTENCES, InputKind.DOCUMENT);
      float[][] queries = quarry.embed(SENTENCES, InputKind.QUERY);
      for (int i = 0; i < SENTENCES.size(); i++) {
        String text = SENTENCES.get(i);
        double document = cosine(documents[i], reference.embed(text).content().vector());
        double query = cosine(queries[i], reference.embed(prefix + text).content().vector());
        assertTrue(document >= MIN_COSINE, modelId + ", document " + i + ": cosine " + document);
        assertTrue(query >= MIN_COSINE, modelId + ", query " + i + ": cosine " + query);
        lowest = Math.min(lowest, Math.min(document, query));
      }
    }
    System.out.printf(Locale.ROOT, "%s: lowest cosine to LangChain4j over %d sentences x 2 kinds: 1 - %.2e%n", modelId,
        SENTENCES.size(), 1 - lowest);
  }

  static double cosine(float[] a, float[] b) {
    assertEquals(a.length, b.length, "dimensions");
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}

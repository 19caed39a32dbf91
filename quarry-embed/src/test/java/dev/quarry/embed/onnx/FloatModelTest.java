package dev.quarry.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.embed.InputKind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float models as yardsticks. Batching changes a float model's vectors by float noise only
 * (the int8 models drift more, see {@code OnnxEmbedderTest}). The first five values of "hello
 * world" (a document, so without prefix) are pinned to values this module computed when it was
 * written (ONNX Runtime 1.22.0); they agree within 2e-4 with independently published values for the
 * same models (fastembed's canonical vectors: bge [0.01522374, -0.02271799, 0.00860278,
 * -0.07424029, 0.00386434], MiniLM [-0.034478, 0.03102, 0.00673, 0.02611, -0.039362]), which
 * confirms tokenisation, pooling and normalisation. The quantised models must stay close to their
 * float originals.
 */
class FloatModelTest {

  private static final String TEXT = "hello world";

  private static OnnxEmbedder bgeFloat;

  @BeforeAll
  static void load() {
    bgeFloat = OnnxEmbedder.open(new OnnxEmbedderConfig("bge-small-en-v1.5", 1, 1, 4));
  }

  @AfterAll
  static void close() {
    bgeFloat.close();
  }

  @Test
  void bgeSmallFloatMatchesReferenceAndQuantisedStaysClose() {
    float[] reference = {0.015196089f, -0.022570606f, 0.0085470965f, -0.07417055f, 0.0038364017f};
    float[] full = bgeFloat.embed(List.of(TEXT), InputKind.DOCUMENT)[0];
    assertArrayEquals(reference, Arrays.copyOf(full, 5), 1e-3f);
    double cosine = OnnxEmbedderTest.dot(full, embed("bge-small-en-v1.5-q"));
    assertTrue(cosine > 0.95, "quantised vs float cosine " + cosine);
  }

  @Test
  void miniLmFloatMatchesReferenceAndQuantisedStaysClose() {
    float[] reference = {-0.03447731f, 0.031023191f, 0.006734921f, 0.02610894f, -0.039362047f};
    float[] full = embed("all-minilm-l6-v2");
    assertArrayEquals(reference, Arrays.copyOf(full, 5), 1e-3f);
    double cosine = OnnxEmbedderTest.dot(full, embed("all-minilm-l6-v2-q"));
    assertTrue(cosine > 0.95, "quantised vs float cosine " + cosine);
  }

  @Test
  void batchedVectorsMatchOneByOneAndKeepTheCallersOrder() {
    List<String> texts = OnnxEmbedderTest.MIXED_LENGTHS;
    float[][] batched = bgeFloat.embed(texts, InputKind.DOCUMENT);
    for (int i = 0; i < texts.size(); i++) {
      float[] single = bgeFloat.embed(List.of(texts.get(i)), InputKind.DOCUMENT)[0];
      assertArrayEquals(single, batched[i], 1e-4f, "text " + i);
    }
  }

  private static float[] embed(String model) {
    try (OnnxEmbedder embedder = OnnxEmbedder.open(new OnnxEmbedderConfig(model, 1, 1, 1))) {
      float[] v = embedder.embed(List.of(TEXT), InputKind.DOCUMENT)[0];
      return v;
    }
  }
}

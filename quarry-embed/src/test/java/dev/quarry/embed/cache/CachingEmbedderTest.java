package dev.quarry.embed.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingEmbedderTest {

  @TempDir Path dir;

  /** A deterministic fake model that records every text it is asked to embed. */
  static final class CountingEmbedder implements Embedder {
    final EmbeddingModelInfo info;
    final List<String> seen = new ArrayList<>();

    CountingEmbedder(EmbeddingModelInfo info) {
      this.info = info;
    }

    @Override
    public EmbeddingModelInfo info() {
      return info;
    }

    @Override
    public synchronized float[][] embed(List<String> texts, InputKind kind) {
      seen.addAll(texts);
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = fakeVector(texts.get(i), kind);
      }
      return out;
    }
  }

  static float[] fakeVector(String text, InputKind kind) {
    return new float[] {text.length(), text.hashCode() % 97, kind.ordinal(), 1};
  }

  @Test
  void onlyUnseenTextsReachTheModelAndOrderIsKept() {
    CountingEmbedder model = new CountingEmbedder(EmbeddingCacheTest.MODEL_A);
    try (EmbeddingCache cache = EmbeddingCache.open(dir, EmbeddingCacheTest.MODEL_A)) {
      CachingEmbedder embedder = new CachingEmbedder(model, cache);
      embedder.embed(List.of("a", "b"), InputKind.DOCUMENT);
      float[][] vectors = embedder.embed(List.of("c", "a", "b", "c"), InputKind.DOCUMENT);
      assertEquals(List.of("a", "b", "c"), model.seen);
      assertArrayEquals(fakeVector("c", InputKind.DOCUMENT), vectors[0]);
      assertArrayEquals(fakeVector("a", InputKind.DOCUMENT), vectors[1]);
      assertArrayEquals(fakeVector("b", InputKind.DOCUMENT), vectors[2]);
      assertArrayEquals(fakeVector("c", InputKind.DOCUMENT), vectors[3]);
      assertEquals(new CacheStats(2, 3, 3), cache.stats());
    }
  }

  @Test
  void reindexingAfterARestartCostsNoInference() {
    List<String> corpus = List.of("first passage", "second passage", "third passage");
    try (EmbeddingCache cache = EmbeddingCache.open(dir, EmbeddingCacheTest.MODEL_A)) {
      new CachingEmbedder(new CountingEmbedder(EmbeddingCacheTest.MODEL_A), cache).embed(corpus, InputKind.DOCUMENT);
    }
    CountingEmbedder afterRestart = new CountingEmbedder(EmbeddingCacheTest.MODEL_A);
    try (EmbeddingCache cache = EmbeddingCache.open(dir, EmbeddingCacheTest.MODEL_A)) {
      float[][] vectors = new CachingEmbedder(afterRestart, cache).embed(corpus, InputKind.DOCUMENT);
      assertEquals(List.of(), afterRestart.seen);
      assertArrayEquals(fakeVector("second passage", InputKind.DOCUMENT), vectors[1]);
      assertEquals(new CacheStats(3, 0, 3), cache.stats());
    }
  }

  @Test
  void queriesAreCachedApartFromDocuments() {
    CountingEmbedder model = new CountingEmbedder(EmbeddingCacheTest.MODEL_A);
    try (EmbeddingCache cache = EmbeddingCache.open(dir, EmbeddingCacheTest.MODEL_A)) {
      CachingEmbedder embedder = new CachingEmbedder(model, cache);
      embedder.embed(List.of("text"), InputKind.DOCUMENT);
      float[] query = embedder.embed(List.of("text"), InputKind.QUERY)[0];
      assertEquals(List.of("text", "text"), model.seen);
      assertArrayEquals(fakeVector("text", InputKind.QUERY), query);
    }
  }

  @Test
  void aCacheOfAnotherModelIsRefused() {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, EmbeddingCacheTest.MODEL_B)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new CachingEmbedder(new CountingEmbedder(EmbeddingCacheTest.MODEL_A), cache));
      assertEquals("embedding cache of model 'model-b' (4-d) cannot serve embedder 'model-a' (4-d)", e.getMessage());
    }
  }
}

package dev.quarry.embed.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.CacheObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryVectorCacheTest {

  /** Counts the texts it is asked to embed; the vector is the text's length. */
  static final class CountingEmbedder implements Embedder {
    final List<String> seen = new ArrayList<>();

    @Override
    public EmbeddingModelInfo info() {
      return new EmbeddingModelInfo("counting", 1, 512, Similarity.DOT_PRODUCT, "", "");
    }

    @Override
    public float[][] embed(List<String> texts, InputKind kind) {
      seen.addAll(texts);
      return texts.stream().map(t -> new float[] {t.length()}).toArray(float[][]::new);
    }
  }

  /** Sums the lookups reported for the query-vector cache. */
  static final class CountingObserver implements CacheObserver {
    long hits;
    long misses;

    @Override
    public synchronized void lookups(CacheName cache, int h, int m) {
      assertEquals(CacheName.QUERY_VECTOR, cache);
      hits += h;
      misses += m;
    }
  }

  @Test
  void aRepeatedQueryIsEmbeddedOnceAndPassagesAreNeverCached() {
    CountingEmbedder model = new CountingEmbedder();
    CountingObserver observer = new CountingObserver();
    Embedder cached = new QueryVectorCache(model, 10, observer).scopedTo("t--c");
    cached.embed(List.of("abc"), InputKind.QUERY);
    assertArrayEquals(new float[] {3}, cached.embed(List.of("abc"), InputKind.QUERY)[0]);
    cached.embed(List.of("passage"), InputKind.DOCUMENT);
    cached.embed(List.of("passage"), InputKind.DOCUMENT);
    assertEquals(List.of("abc", "passage", "passage"), model.seen);
    assertEquals(1, observer.hits);
    assertEquals(1, observer.misses);
  }

  @Test
  void aQueryCachedForOneScopeIsEmbeddedAgainForAnother() {
    CountingEmbedder model = new CountingEmbedder();
    QueryVectorCache cache = new QueryVectorCache(model, 10, CacheObserver.NONE);
    cache.scopedTo("a--docs").embed(List.of("secret plans"), InputKind.QUERY);
    cache.scopedTo("b--docs").embed(List.of("secret plans"), InputKind.QUERY);
    cache.scopedTo("a--docs").embed(List.of("secret plans"), InputKind.QUERY);
    assertEquals(List.of("secret plans", "secret plans"), model.seen);
    assertEquals(new CacheStats(1, 2, 2), cache.stats());
  }

  @Test
  void theLeastRecentlyUsedQueryIsEvictedAtCapacity() {
    CountingEmbedder model = new CountingEmbedder();
    Embedder cache = new QueryVectorCache(model, 2, CacheObserver.NONE).scopedTo("s");
    cache.embed(List.of("a", "bb"), InputKind.QUERY);
    cache.embed(List.of("a"), InputKind.QUERY); // a is now most recent
    cache.embed(List.of("ccc"), InputKind.QUERY); // evicts bb
    cache.embed(List.of("a", "bb"), InputKind.QUERY);
    assertEquals(List.of("a", "bb", "ccc", "bb"), model.seen);
  }

  @Test
  void callersCannotCorruptCachedVectors() {
    Embedder cache = new QueryVectorCache(new CountingEmbedder(), 4, CacheObserver.NONE).scopedTo("s");
    cache.embed(List.of("abcd"), InputKind.QUERY)[0][0] = -1;
    assertArrayEquals(new float[] {4}, cache.embed(List.of("abcd"), InputKind.QUERY)[0]);
  }
}

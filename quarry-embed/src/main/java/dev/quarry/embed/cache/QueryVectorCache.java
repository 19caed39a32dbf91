package dev.quarry.embed.cache;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory, least-recently-used cache of query vectors in front of an {@link Embedder}. Query
 * vectors are kept in memory only: queries are many, short-lived and may be private, so they are
 * never written to disk (passages go to the persistent {@link EmbeddingCache}). Passages pass
 * through untouched. The cache belongs to one embedder, so the model is part of its key by
 * construction. Thread-safe.
 */
public final class QueryVectorCache implements Embedder {

  private final Embedder delegate;
  private final int capacity;
  private final Map<String, float[]> entries;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public QueryVectorCache(Embedder delegate, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("query cache capacity must be at least 1, got: " + capacity);
    }
    this.delegate = delegate;
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
        return size() > QueryVectorCache.this.capacity;
      }
    };
  }

  @Override
  public EmbeddingModelInfo info() {
    return delegate.info();
  }

  @Override
  public float[][] embed(List<String> texts, InputKind kind) {
    if (kind != InputKind.QUERY) {
      return delegate.embed(texts, kind);
    }
    float[][] out = new float[texts.size()][];
    List<Integer> missing = new ArrayList<>();
    synchronized (entries) {
      for (int i = 0; i < out.length; i++) {
        float[] v = entries.get(texts.get(i));
        if (v != null) {
          out[i] = v.clone();
        } else {
          missing.add(i);
        }
      }
    }
    hits.addAndGet(out.length - missing.size());
    misses.addAndGet(missing.size());
    if (!missing.isEmpty()) {
      float[][] computed = delegate.embed(missing.stream().map(texts::get).toList(), kind);
      synchronized (entries) {
        for (int j = 0; j < computed.length; j++) {
          int i = missing.get(j);
          out[i] = computed[j];
          entries.put(texts.get(i), computed[j].clone());
        }
      }
    }
    return out;
  }

  /** Hits, misses and entries so far. */
  public CacheStats stats() {
    int size;
    synchronized (entries) {
      size = entries.size();
    }
    return new CacheStats(hits.get(), misses.get(), size);
  }
}

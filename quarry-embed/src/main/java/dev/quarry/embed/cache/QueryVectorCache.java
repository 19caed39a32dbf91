package dev.quarry.embed.cache;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.CacheObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory, least-recently-used cache of query vectors in front of one model's {@link
 * Embedder}, shared by every collection that uses the model and bounded as a whole. Query vectors
 * are kept in memory only: queries are many, short-lived and may be private, so they are never
 * written to disk (passages go to the persistent {@link EmbeddingCache}). Thread-safe.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>The key is (scope, text), the scope being the collection ({@code <tenant>--<collection>}
 *       on the server), and the model by construction: one tenant's cached query is never served
 *       to another, so nobody can learn from a fast answer what someone else asked.
 *   <li>No index generation in the key: a query vector depends on the model and the text only,
 *       never on what the index holds, so a write cannot make it stale.
 * </ul>
 */
public final class QueryVectorCache {

  private record Key(String scope, String text) {}

  private final Embedder delegate;
  private final int capacity;
  private final CacheObserver observer;
  private final Map<Key, float[]> entries;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public QueryVectorCache(Embedder delegate, int capacity, CacheObserver observer) {
    if (capacity < 1) {
      throw new IllegalArgumentException("query cache capacity must be at least 1, got: " + capacity);
    }
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.capacity = capacity;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
        return size() > QueryVectorCache.this.capacity;
      }
    };
  }

  /**
   * The model as seen from {@code scope}: queries are answered from this cache under {@code
   * scope}, passages go to the model untouched.
   */
  public Embedder scopedTo(String scope) {
    Objects.requireNonNull(scope, "scope");
    return new Embedder() {
      @Override
      public EmbeddingModelInfo info() {
        return delegate.info();
      }

      @Override
      public float[][] embed(List<String> texts, InputKind kind) {
        return kind == InputKind.QUERY ? queries(scope, texts) : delegate.embed(texts, kind);
      }
    };
  }

  private float[][] queries(String scope, List<String> texts) {
    float[][] out = new float[texts.size()][];
    List<Integer> missing = new ArrayList<>();
    synchronized (entries) {
      for (int i = 0; i < out.length; i++) {
        float[] v = entries.get(new Key(scope, texts.get(i)));
        if (v != null) {
          out[i] = v.clone();
        } else {
          missing.add(i);
        }
      }
    }
    hits.addAndGet(out.length - missing.size());
    misses.addAndGet(missing.size());
    observer.lookups(CacheName.QUERY_VECTOR, out.length - missing.size(), missing.size());
    if (!missing.isEmpty()) {
      float[][] computed = delegate.embed(missing.stream().map(texts::get).toList(), InputKind.QUERY);
      synchronized (entries) {
        for (int j = 0; j < computed.length; j++) {
          int i = missing.get(j);
          out[i] = computed[j];
          entries.put(new Key(scope, texts.get(i)), computed[j].clone());
        }
      }
    }
    return out;
  }

  /** Hits, misses and entries so far, over every scope. */
  public CacheStats stats() {
    int size;
    synchronized (entries) {
      size = entries.size();
    }
    return new CacheStats(hits.get(), misses.get(), size);
  }
}

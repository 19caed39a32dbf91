package dev.quarry.engine;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.CacheObserver;
import dev.quarry.embed.cache.QueryVectorCache;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads each in-process model once per engine and hands out its embedder (queries behind the
 * in-memory query-vector cache when enabled) and tokenizer. Models load on first use, not at
 * start-up. Passage vectors are cached per collection (see {@link Quarry}), not here.
 */
final class Models implements Closeable {

  /**
   * A loaded model: the query-vector cache shared by the collections using the model (if on), and
   * the model itself (its tokenizer is what chunkers measure with).
   */
  record Loaded(Optional<QueryVectorCache> queries, OnnxEmbedder model) {

    /**
     * The embedder of one collection: passages through {@code passages} (the model, or the
     * collection's own passage cache over it), queries cached under the collection's name only.
     */
    Embedder embedderFor(String collection, Embedder passages) {
      return new ByKind(passages, queries.map(q -> q.scopedTo(collection)).orElse(model));
    }
  }

  private final EmbedderSettings settings;
  private final int queryCacheEntries;
  private final CacheObserver cacheObserver;
  private final Map<String, Loaded> loaded = new HashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** @param queryCacheEntries query vectors kept in memory per model; 0 turns that cache off */
  Models(EmbedderSettings settings, int queryCacheEntries, CacheObserver cacheObserver) {
    this.settings = settings;
    this.queryCacheEntries = queryCacheEntries;
    this.cacheObserver = cacheObserver;
  }

  /**
   * Passages through the persistent cache, queries through the in-memory one: query texts never
   * reach the disk.
   */
  private record ByKind(Embedder passages, Embedder queries) implements Embedder {
    @Override
    public EmbeddingModelInfo info() {
      return passages.info();
    }

    @Override
    public float[][] embed(List<String> texts, InputKind kind) {
      return (kind == InputKind.QUERY ? queries : passages).embed(texts, kind);
    }
  }

  synchronized Loaded get(String modelId) {
    Loaded l = loaded.get(modelId);
    if (l != null) {
      return l;
    }
    EmbeddingModels.byId(modelId); // fails with the list of known ids
    OnnxEmbedderConfig config = OnnxEmbedderConfig.defaults(modelId);
    if (settings.sessions() > 0) {
      config = config.withSessions(settings.sessions());
    }
    if (settings.intraOpThreads() > 0) {
      config = config.withIntraOpThreads(settings.intraOpThreads());
    }
    if (settings.batchSize() > 0) {
      config = config.withBatchSize(settings.batchSize());
    }
    OnnxEmbedder model = OnnxEmbedder.open(config);
    toClose.add(model);
    Optional<QueryVectorCache> queries = queryCacheEntries > 0
        ? Optional.of(new QueryVectorCache(model, queryCacheEntries, cacheObserver))
        : Optional.empty();
    l = new Loaded(queries, model);
    loaded.put(modelId, l);
    return l;
  }

  @Override
  public synchronized void close() {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception ignored) {
        // closing on shutdown: nothing left to do with a failure
      }
    }
    toClose.clear();
    loaded.clear();
  }
}

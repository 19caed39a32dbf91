package dev.quarry.engine;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.observe.CacheObserver;
import dev.quarry.embed.cache.CachingEmbedder;
import dev.quarry.embed.cache.EmbeddingCache;
import dev.quarry.embed.cache.QueryVectorCache;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads each in-process model once per engine and hands out its embedder (behind the persistent
 * embedding cache and the in-memory query-vector cache when enabled) and tokenizer. Models load on
 * first use, not at start-up.
 */
final class Models implements Closeable {

  /**
   * A loaded model: what embeds passages, the query-vector cache shared by the collections using
   * the model (if on), and the model itself (its tokenizer is what chunkers measure with).
   */
  record Loaded(Embedder passages, Optional<QueryVectorCache> queries, OnnxEmbedder model) {

    /** The embedder of one collection: its queries are cached under its name only. */
    Embedder embedderFor(String collection) {
      return new ByKind(passages, queries.map(q -> q.scopedTo(collection)).orElse(model));
    }
  }

  private final EmbedderSettings settings;
  private final Path cacheDir;
  private final boolean passageCache;
  private final int queryCacheEntries;
  private final CacheObserver cacheObserver;
  private final Map<String, Loaded> loaded = new HashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /**
   * @param passageCache whether passage vectors go through the persistent cache in {@code cacheDir}
   * @param queryCacheEntries query vectors kept in memory per model; 0 turns that cache off
   */
  Models(EmbedderSettings settings, Path cacheDir, boolean passageCache, int queryCacheEntries,
      CacheObserver cacheObserver) {
    this.settings = settings;
    this.cacheDir = cacheDir;
    this.passageCache = passageCache;
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
    Embedder passages = model;
    if (passageCache) {
      EmbeddingCache c = EmbeddingCache.open(cacheDir, model.info());
      toClose.add(c);
      passages = new CachingEmbedder(model, c);
    }
    Optional<QueryVectorCache> queries = queryCacheEntries > 0
        ? Optional.of(new QueryVectorCache(model, queryCacheEntries, cacheObserver))
        : Optional.empty();
    l = new Loaded(passages, queries, model);
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

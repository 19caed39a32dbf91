package dev.quarry.engine;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
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

/**
 * Loads each in-process model once per engine and hands out its embedder (behind the persistent
 * embedding cache when enabled) and tokenizer. Models load on first use, not at start-up.
 */
final class Models implements Closeable {

  /** Query vectors kept in memory per model: 10,000 x 384 floats is about 15 MB. */
  static final int QUERY_CACHE_ENTRIES = 10_000;

  /** A loaded model: what embeds, and the tokenizer chunkers measure with. */
  record Loaded(Embedder embedder, OnnxEmbedder model) {}

  private final EmbedderSettings settings;
  private final Path cacheDir;
  private final boolean cache;
  private final Map<String, Loaded> loaded = new HashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  Models(EmbedderSettings settings, Path cacheDir, boolean cache) {
    this.settings = settings;
    this.cacheDir = cacheDir;
    this.cache = cache;
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
    Embedder embedder = model;
    if (cache) {
      EmbeddingCache c = EmbeddingCache.open(cacheDir, model.info());
      toClose.add(c);
      embedder = new ByKind(new CachingEmbedder(model, c), new QueryVectorCache(model, QUERY_CACHE_ENTRIES));
    }
    l = new Loaded(embedder, model);
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

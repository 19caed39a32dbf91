package dev.quarry.engine;

import dev.quarry.core.chunk.Tokenizer;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.error.InvalidInputException;
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
import java.util.Set;

/**
 * Loads each in-process model once per engine and hands out its embedder (queries behind the
 * in-memory query-vector cache when enabled) and tokenizer. Models load on first use, not at
 * start-up. Passage vectors are cached per collection (see {@link Quarry}), not here.
 *
 * <p>Remote models ({@link #addRemote}: an embedder over an HTTP endpoint, built by the composition
 * root) are handed out the same way under their own ids, with a {@link WordTokenizer} for chunk
 * sizes, since the upstream's tokenizer is not available here.
 */
final class Models implements Closeable {

  /**
   * A loaded model: the query-vector cache shared by the collections using the model (if on), and
   * the model itself (its tokenizer is what chunkers measure with).
   */
  record Loaded(Optional<QueryVectorCache> queries, Embedder model, Tokenizer tokenizer) {

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
  private final Map<String, Embedder> remote = new HashMap<>();

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

  /**
   * Adds a remote model under its {@link EmbeddingModelInfo#id()}, which must be new: neither an
   * in-process model's id nor one added before.
   */
  synchronized void addRemote(Embedder embedder) {
    String id = embedder.info().id();
    if (EmbeddingModels.find(id).isPresent() || remote.containsKey(id)) {
      throw new InvalidInputException("embedding model id \"" + id + "\" is taken (by "
          + (remote.containsKey(id) ? "another remote model" : "an in-process model") + "); choose another");
    }
    remote.put(id, embedder);
  }

  /** The ids of the remote models added. */
  synchronized Set<String> remoteIds() {
    return Set.copyOf(remote.keySet());
  }

  synchronized Loaded get(String modelId) {
    Loaded l = loaded.get(modelId);
    if (l != null) {
      return l;
    }
    Embedder r = remote.get(modelId);
    if (r != null) {
      l = new Loaded(queryCache(r), r, new WordTokenizer(r.info().maxTokens()));
      loaded.put(modelId, l);
      return l;
    }
    if (EmbeddingModels.find(modelId).isEmpty()) {
      if (remote.isEmpty()) {
        EmbeddingModels.byId(modelId); // fails with the list of known ids
      }
      List<String> known = new ArrayList<>(EmbeddingModels.all().stream().map(m -> m.id()).toList());
      remote.keySet().stream().sorted().forEach(known::add);
      throw new InvalidInputException("unknown embedding model '" + modelId + "'; known models: " + known);
    }
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
    l = new Loaded(queryCache(model), model, model.tokenizer());
    loaded.put(modelId, l);
    return l;
  }

  private Optional<QueryVectorCache> queryCache(Embedder model) {
    return queryCacheEntries > 0
        ? Optional.of(new QueryVectorCache(model, queryCacheEntries, cacheObserver))
        : Optional.empty();
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

package dev.quarry.engine;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.search.Reranker;
import dev.quarry.core.search.Rerankers;
import dev.quarry.embed.cache.CachingEmbedder;
import dev.quarry.embed.cache.EmbeddingCache;
import dev.quarry.embed.model.EmbeddingModels;
import dev.quarry.rerank.EmbeddingReranker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The re-rankers one collection's searches can name: the engine's added ones ({@link
 * Quarry#addReranker}), and every catalogue embedding model, re-scoring through this collection's
 * own cache of that model's passage vectors ({@code cache/embeddings/<collection>/<model>.emb-v1},
 * beside the collection's first-model cache). So a candidate passage is embedded by a second model
 * once, whatever the number of searches that re-rank it, and the vectors go with the collection:
 * emptied by {@link #clear()} when deleted documents are purged, deleted when it is dropped.
 *
 * <p>A model's cache opens on the first search that names it. Without a cache directory (a
 * read-only engine, or the cache turned off) passages go to the model each time. The collection's
 * own model re-ranks through the collection's cache, which is already open. Thread-safe.
 */
final class CollectionRerankers implements Rerankers, AutoCloseable {

  private final String collection;
  private final Rerankers added;
  private final Optional<Path> cacheDir;
  private final String ownModel;
  private final Embedder ownPassages;
  private final Function<String, Models.Loaded> models;
  private final Map<String, EmbeddingCache> caches = new HashMap<>();
  private final Map<String, Reranker> byModel = new HashMap<>();
  private boolean closed;

  /**
   * @param added the engine's re-rankers (those it was given, and the models, for their names)
   * @param cacheDir the collection's passage-cache directory, empty when vectors are not cached
   * @param ownModel the collection's model id; {@code ownPassages} embeds passages with it
   */
  CollectionRerankers(String collection, Rerankers added, Optional<Path> cacheDir, String ownModel,
      Embedder ownPassages, Function<String, Models.Loaded> models) {
    this.collection = collection;
    this.added = added;
    this.cacheDir = cacheDir;
    this.ownModel = ownModel;
    this.ownPassages = ownPassages;
    this.models = models;
  }

  @Override
  public Optional<Reranker> find(String name) {
    // Quarry.addReranker refuses a catalogue model's id, so a model's name is always the model
    return EmbeddingModels.find(name).isPresent() ? Optional.of(modelReranker(name)) : added.find(name);
  }

  @Override
  public List<String> names() {
    return added.names();
  }

  private synchronized Reranker modelReranker(String id) {
    if (closed) {
      throw new IllegalStateException("collection '" + collection + "' is closed");
    }
    Reranker r = byModel.get(id);
    if (r != null) {
      return r;
    }
    Models.Loaded m = models.apply(id);
    Embedder passages;
    if (id.equals(ownModel)) {
      passages = ownPassages;
    } else if (cacheDir.isPresent()) {
      EmbeddingCache cache = EmbeddingCache.open(cacheDir.get(), m.model().info());
      caches.put(id, cache);
      passages = new CachingEmbedder(m.model(), cache);
    } else {
      passages = m.model();
    }
    r = new EmbeddingReranker(m.embedderFor(collection, passages));
    byModel.put(id, r);
    return r;
  }

  /** Empties every second model's passage cache (they may hold purged documents' vectors). */
  synchronized void clear() {
    caches.values().forEach(EmbeddingCache::clear);
  }

  @Override
  public synchronized void close() {
    closed = true;
    byModel.clear();
    RuntimeException failure = null;
    for (EmbeddingCache c : caches.values()) {
      try {
        c.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    caches.clear();
    if (failure != null) {
      throw failure;
    }
  }
}

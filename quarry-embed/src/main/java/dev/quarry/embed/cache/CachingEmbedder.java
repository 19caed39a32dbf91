package dev.quarry.embed.cache;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link Embedder} that asks its {@link EmbeddingCache} first and sends only the texts it has
 * never seen to the model, in one call; their vectors are then cached. A text repeated within one
 * call is embedded once. Thread-safe when the delegate is; two callers missing on the same text at
 * the same time may both embed it (the cache keeps either, they are equal).
 *
 * <p>Neither the cache nor the delegate is closed by this class: their owner closes them.
 */
public final class CachingEmbedder implements Embedder {

  private final Embedder delegate;
  private final EmbeddingCache cache;

  /**
   * @throws IllegalArgumentException when the cache belongs to another model than the delegate
   */
  public CachingEmbedder(Embedder delegate, EmbeddingCache cache) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.cache = Objects.requireNonNull(cache, "cache");
    EmbeddingModelInfo model = delegate.info();
    if (!model.equals(cache.model())) {
      throw new IllegalArgumentException(
          "embedding cache of model '" + cache.model().id() + "' (" + cache.model().dimension()
              + "-d) cannot serve embedder '" + model.id() + "' (" + model.dimension() + "-d)");
    }
  }

  @Override
  public EmbeddingModelInfo info() {
    return delegate.info();
  }

  public EmbeddingCache cache() {
    return cache;
  }

  @Override
  public float[][] embed(List<String> texts, InputKind kind) {
    Objects.requireNonNull(texts, "texts");
    Objects.requireNonNull(kind, "kind");
    float[][] vectors = new float[texts.size()][];
    Map<ContentKey, List<Integer>> missing = new LinkedHashMap<>();
    Map<ContentKey, String> missingText = new LinkedHashMap<>();
    for (int i = 0; i < vectors.length; i++) {
      int index = i;
      String text = Objects.requireNonNull(texts.get(i), () -> "texts[" + index + "] is null");
      ContentKey key = ContentKey.of(kind, text);
      List<Integer> waiting = missing.get(key);
      if (waiting != null) { // a repeat of a text already missed in this call
        waiting.add(i);
        continue;
      }
      Optional<float[]> cached = cache.get(key);
      if (cached.isPresent()) {
        vectors[i] = cached.get();
      } else {
        missing.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        missingText.put(key, text);
      }
    }
    if (missing.isEmpty()) {
      return vectors;
    }
    List<ContentKey> keys = List.copyOf(missing.keySet());
    float[][] fresh = delegate.embed(List.copyOf(missingText.values()), kind);
    if (fresh.length != keys.size()) {
      throw new IllegalStateException(
          "embedder '" + delegate.info().id() + "' returned " + fresh.length + " vectors for "
              + keys.size() + " texts");
    }
    cache.putAll(keys, fresh);
    for (int k = 0; k < keys.size(); k++) {
      List<Integer> indexes = missing.get(keys.get(k));
      for (int n = 0; n < indexes.size(); n++) {
        vectors[indexes.get(n)] = n == 0 ? fresh[k] : fresh[k].clone();
      }
    }
    return vectors;
  }
}

package dev.quarry.engine;

import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.engine.ingest.IngestSettings;
import dev.quarry.ingest.parse.IngestLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the engine needs, bound once at the edge. {@code embeddingCache} is the persistent
 * cache of passage vectors; {@code caches} sizes the in-memory query-vector and search-result
 * caches.
 */
public record EngineConfig(
    Path dataDir,
    CollectionSettings defaults,
    IngestSettings ingest,
    IngestLimits limits,
    EmbedderSettings embedder,
    boolean embeddingCache,
    CacheSettings caches) {

  public EngineConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(defaults, "defaults");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(caches, "caches");
  }

  /**
   * The configuration as it was before cache sizes became settings: {@code embeddingCache} off also turns the
   * query-vector cache off, as it always did.
   */
  public EngineConfig(Path dataDir, CollectionSettings defaults, IngestSettings ingest, IngestLimits limits,
      EmbedderSettings embedder, boolean embeddingCache) {
    this(dataDir, defaults, ingest, limits, embedder, embeddingCache,
        embeddingCache ? CacheSettings.DEFAULT : CacheSettings.DEFAULT.withQueryVectors(0));
  }

  /** The embedded defaults on {@code dataDir}. */
  public static EngineConfig defaults(Path dataDir) {
    return new EngineConfig(dataDir, CollectionSettings.DEFAULT, IngestSettings.DEFAULT, IngestLimits.DEFAULT,
        EmbedderSettings.DEFAULT, true, CacheSettings.DEFAULT);
  }

  /**
   * Off makes every embedding run the model (benchmarks use it to measure the raw rate): the
   * persistent passage cache and the query-vector cache are both off. The search-result cache is
   * left as it is; see {@link #withCaches}.
   */
  public EngineConfig withEmbeddingCache(boolean on) {
    return new EngineConfig(dataDir, defaults, ingest, limits, embedder, on,
        on ? caches : caches.withQueryVectors(0));
  }

  public EngineConfig withCaches(CacheSettings newCaches) {
    return new EngineConfig(dataDir, defaults, ingest, limits, embedder, embeddingCache, newCaches);
  }
}

package dev.quarry.engine;

import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.engine.ingest.IngestSettings;
import dev.quarry.ingest.parse.IngestLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the engine needs, bound once at the edge. {@code embeddingCache} off makes every
 * embedding run the model (benchmarks use it to measure the raw rate).
 */
public record EngineConfig(
    Path dataDir,
    CollectionSettings defaults,
    IngestSettings ingest,
    IngestLimits limits,
    EmbedderSettings embedder,
    boolean embeddingCache) {

  public EngineConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(defaults, "defaults");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(embedder, "embedder");
  }

  /** The embedded defaults on {@code dataDir}. */
  public static EngineConfig defaults(Path dataDir) {
    return new EngineConfig(dataDir, CollectionSettings.DEFAULT, IngestSettings.DEFAULT, IngestLimits.DEFAULT, EmbedderSettings.DEFAULT, true);
  }

  public EngineConfig withEmbeddingCache(boolean on) {
    return new EngineConfig(dataDir, defaults, ingest, limits, embedder, on);
  }
}

package dev.quarry.cli;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.engine.collection.CollectionSettings;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Settings a new collection is created with. When none is given an existing collection opens as
 * it was built; when some are given they must match it.
 */
final class CollectionOptions {

  /** Chunking strategies by their command-line names. */
  enum Chunking {
    RECURSIVE(ChunkingStrategy.RECURSIVE),
    TOKEN_WINDOW(ChunkingStrategy.TOKEN_WINDOW),
    SENTENCE(ChunkingStrategy.SENTENCE);

    final ChunkingStrategy strategy;

    Chunking(ChunkingStrategy strategy) {
      this.strategy = strategy;
    }
  }

  @Option(names = "--model", paramLabel = "ID", description = "Embedding model of a new collection (default bge-small-en-v1.5-q).")
  String model;

  @Option(names = "--chunker", paramLabel = "STRATEGY", converter = ChunkingConverter.class,
      description = "recursive (default), token-window or sentence.")
  Chunking chunker;

  @Option(names = "--max-tokens", paramLabel = "N", description = "Largest chunk in model tokens (default 512, the model's limit).")
  Integer maxTokens;

  @Option(names = "--overlap", paramLabel = "N", description = "Token-window overlap in model tokens (default 0).")
  Integer overlap;

  @Option(names = "--vectors", paramLabel = "ENCODING", description = "int8 (default) or float32 HNSW vectors.")
  VectorEncoding encoding;

  Optional<CollectionSettings> requested() {
    if (model == null && chunker == null && maxTokens == null && overlap == null && encoding == null) {
      return Optional.empty();
    }
    CollectionSettings d = CollectionSettings.DEFAULT;
    ChunkerConfig c = new ChunkerConfig(
        chunker == null ? d.chunker().strategy() : chunker.strategy,
        maxTokens == null ? d.chunker().maxTokens() : maxTokens,
        overlap == null ? d.chunker().overlapTokens() : overlap);
    return Optional.of(new CollectionSettings(model == null ? d.model() : model, c, encoding == null ? d.encoding() : encoding));
  }

  /** Accepts {@code token-window} as well as {@code TOKEN_WINDOW}. */
  static final class ChunkingConverter implements picocli.CommandLine.ITypeConverter<Chunking> {
    @Override
    public Chunking convert(String value) {
      try {
        return Chunking.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "unknown chunker '" + value + "' (use recursive, token-window or sentence)");
      }
    }
  }
}

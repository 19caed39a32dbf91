package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.Tokenizer;

/** Builds the chunker a {@link ChunkerConfig} names, measuring with the model's tokenizer. */
public final class Chunkers {

  private Chunkers() {}

  public static Chunker create(ChunkerConfig config, Tokenizer tokenizer) {
    return switch (config.strategy()) {
      case TOKEN_WINDOW -> new TokenWindowChunker(config, tokenizer);
      case RECURSIVE -> new RecursiveChunker(config, tokenizer);
      case SENTENCE -> new SentenceChunker(config, tokenizer);
    };
  }
}

package dev.quarry.core.chunk;

import java.util.Objects;

/**
 * How a collection chunks. {@code maxTokens} bounds each chunk's embedding text in model tokens
 * (it is capped by the model's own limit); {@code overlapTokens} applies to token windows.
 */
public record ChunkerConfig(ChunkingStrategy strategy, int maxTokens, int overlapTokens) {

  public static final ChunkerConfig DEFAULT = new ChunkerConfig(ChunkingStrategy.RECURSIVE, 512, 0);

  public ChunkerConfig {
    Objects.requireNonNull(strategy, "strategy");
    if (maxTokens < 16) {
      throw new IllegalArgumentException("chunker max_tokens must be at least 16, got: " + maxTokens);
    }
    if (overlapTokens < 0 || overlapTokens >= maxTokens / 2) {
      throw new IllegalArgumentException(
          "chunker overlap_tokens must be in [0, max_tokens/2), got: " + overlapTokens);
    }
  }

  /** A stable description recorded in the index manifest, e.g. {@code recursive/512/0}. */
  public String describe() {
    return strategy.name().toLowerCase(java.util.Locale.ROOT) + "/" + maxTokens + "/" + overlapTokens;
  }
}

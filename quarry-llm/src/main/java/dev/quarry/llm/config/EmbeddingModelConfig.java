package dev.quarry.llm.config;

import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;

/**
 * A remote embedding model on an OpenAI-compatible provider: {@code id} is how an index records it
 * (an index built with another id refuses this model), {@code model} the upstream's name;
 * {@code dimension} and {@code maxTokens} come from here, never from a network call, and every
 * vector the upstream returns is checked against {@code dimension}. Texts go out in batches of at
 * most {@code batchSize}, each prefixed for its kind.
 */
public record EmbeddingModelConfig(String id, String provider, String model, int dimension, int maxTokens,
    Similarity similarity, int batchSize, String queryPrefix, String documentPrefix) {

  /** {@code max_tokens} when the configuration sets none. */
  public static final int DEFAULT_MAX_TOKENS = 512;
  /** {@code batch_size} when the configuration sets none. */
  public static final int DEFAULT_BATCH_SIZE = 64;

  public EmbeddingModelConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(similarity, "similarity");
    Objects.requireNonNull(queryPrefix, "queryPrefix");
    Objects.requireNonNull(documentPrefix, "documentPrefix");
    if (!id.matches("[A-Za-z0-9._:/-]{1,128}")) {
      throw new InvalidInputException("id: must be 1-128 of A-Z a-z 0-9 . _ : / -, got \"" + id + "\"");
    }
    if (model.isBlank()) {
      throw new InvalidInputException("model: must not be blank");
    }
    if (dimension < 1 || dimension > 65_536) {
      throw new InvalidInputException("dimension: must be in 1..65536, got " + dimension);
    }
    if (maxTokens < 3) {
      throw new InvalidInputException("max_tokens: must be at least 3, got " + maxTokens);
    }
    if (batchSize < 1 || batchSize > 2048) {
      throw new InvalidInputException("batch_size: must be in 1..2048, got " + batchSize);
    }
  }
}

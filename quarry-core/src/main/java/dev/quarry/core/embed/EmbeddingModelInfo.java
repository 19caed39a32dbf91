package dev.quarry.core.embed;

import java.util.Objects;

/**
 * What an index must know about the model that filled it. {@code id} is stable across releases
 * (for example {@code bge-small-en-v1.5-q}); {@code maxTokens} includes special tokens.
 */
public record EmbeddingModelInfo(
    String id, int dimension, int maxTokens, Similarity similarity, String queryPrefix, String documentPrefix) {
  public EmbeddingModelInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(similarity, "similarity");
    queryPrefix = queryPrefix == null ? "" : queryPrefix;
    documentPrefix = documentPrefix == null ? "" : documentPrefix;
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be at least 1, got: " + dimension);
    }
    if (maxTokens < 3) {
      throw new IllegalArgumentException("maxTokens must be at least 3, got: " + maxTokens);
    }
  }
}

package dev.quarry.embed.model;

import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import java.util.Objects;

/**
 * Everything Quarry needs to run one in-process embedding model: where its ONNX graph and
 * tokenizer.json are on the classpath, the Maven artifact that ships them (named in errors when they
 * are missing), how its hidden states are pooled and normalised, its size limits and its prefixes.
 *
 * <p>One record describes each model; there is no class per model. {@code maxTokens} counts special
 * tokens ([CLS], [SEP]) and is the model's true position limit, not a tokenizer file's default
 * truncation.
 */
public record ModelSpec(
    String id,
    String onnxResource,
    String tokenizerResource,
    String artifact,
    Pooling pooling,
    boolean normalized,
    int dimension,
    int maxTokens,
    Similarity similarity,
    String queryPrefix,
    String documentPrefix) {

  public ModelSpec {
    requireText(id, "id");
    requireText(onnxResource, "onnxResource");
    requireText(tokenizerResource, "tokenizerResource");
    requireText(artifact, "artifact");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(similarity, "similarity");
    Objects.requireNonNull(queryPrefix, "queryPrefix");
    Objects.requireNonNull(documentPrefix, "documentPrefix");
    if (dimension < 1) {
      throw new IllegalArgumentException("model " + id + ": dimension must be at least 1, got: " + dimension);
    }
    if (maxTokens < 3) {
      throw new IllegalArgumentException("model " + id + ": maxTokens must be at least 3, got: " + maxTokens);
    }
    if (similarity == Similarity.DOT_PRODUCT && !normalized) {
      throw new IllegalArgumentException(
          "model " + id + ": DOT_PRODUCT similarity needs L2-normalised vectors");
    }
  }

  /** The model as an index records it. */
  public EmbeddingModelInfo info() {
    return new EmbeddingModelInfo(id, dimension, maxTokens, similarity, queryPrefix, documentPrefix);
  }

  /** The text put in front of every input of {@code kind} (empty when the model uses none). */
  public String prefix(InputKind kind) {
    return switch (kind) {
      case QUERY -> queryPrefix;
      case DOCUMENT -> documentPrefix;
    };
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("model " + name + " must not be blank");
    }
  }
}

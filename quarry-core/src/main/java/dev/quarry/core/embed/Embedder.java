package dev.quarry.core.embed;

import java.util.List;

/** Turns texts into vectors with one model. Thread-safe; batching is the implementation's. */
public interface Embedder {
  EmbeddingModelInfo info();

  /**
   * One vector per text, in order, each of {@link EmbeddingModelInfo#dimension()} floats. The
   * model's prefix for {@code kind} is added by the implementation, not the caller.
   */
  float[][] embed(List<String> texts, InputKind kind);
}

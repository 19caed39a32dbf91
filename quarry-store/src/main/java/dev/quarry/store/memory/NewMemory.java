package dev.quarry.store.memory;

import dev.quarry.core.error.InvalidInputException;
import java.util.List;
import java.util.Objects;

/** A memory to store: the end user, the text, metadata (a JSON object as text) and its embedding. */
public record NewMemory(String user, String text, String metadata, String embeddingModel, List<Float> embedding) {

  public static final int MAX_TEXT_LENGTH = 8192;

  public NewMemory {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(embeddingModel, "embeddingModel");
    embedding = List.copyOf(embedding);
    if (text.isBlank() || text.length() > MAX_TEXT_LENGTH) {
      throw new InvalidInputException("a memory's text must be 1-" + MAX_TEXT_LENGTH + " non-blank characters, got "
          + text.length());
    }
    if (embedding.isEmpty()) {
      throw new IllegalArgumentException("a memory needs its embedding");
    }
  }
}

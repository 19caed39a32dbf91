package dev.quarry.runtime.assemble;

import dev.quarry.core.index.StoredChunk;
import java.util.Objects;

/**
 * A numbered piece of the context: the model cites it as {@code [number]}. {@code tokens} is its
 * size in the generator's tokens.
 */
public record Passage(int number, String collection, StoredChunk chunk, int tokens) {
  public Passage {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(chunk, "chunk");
    if (number < 1) {
      throw new IllegalArgumentException("passage numbers start at 1, got: " + number);
    }
  }
}

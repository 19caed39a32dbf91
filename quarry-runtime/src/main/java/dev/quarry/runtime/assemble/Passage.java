package dev.quarry.runtime.assemble;

import dev.quarry.core.index.StoredChunk;
import java.util.Objects;

/**
 * A numbered piece of the context: the model cites it as {@code [number]}. {@code tokens} is its
 * size in the generator's tokens.
 */
public record Passage(int number, String collection, StoredChunk chunk, int tokens) {

  /**
   * The source name of an end user's memory, in place of a collection: no collection can be named
   * so (names start with a letter or digit). Its chunk's document id is the memory's id.
   */
  public static final String MEMORY = "@memory";

  /** Whether this passage is a memory of the end user rather than a collection's chunk. */
  public boolean memory() {
    return collection.equals(MEMORY);
  }
  public Passage {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(chunk, "chunk");
    if (number < 1) {
      throw new IllegalArgumentException("passage numbers start at 1, got: " + number);
    }
  }
}

package dev.quarry.runtime.retrieve;

import dev.quarry.core.index.StoredChunk;
import java.util.Objects;

/** A chunk retrieval found, with the name of the collection it came from and its fused score. */
public record RetrievedChunk(String collection, StoredChunk chunk, double score) {
  public RetrievedChunk {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(chunk, "chunk");
  }
}

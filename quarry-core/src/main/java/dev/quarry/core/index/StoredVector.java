package dev.quarry.core.index;

import java.util.Objects;

/** A chunk's vector as the index holds it (a copy: the caller may keep it). */
public record StoredVector(String chunkId, float[] vector) {
  public StoredVector {
    Objects.requireNonNull(chunkId, "chunkId");
    Objects.requireNonNull(vector, "vector");
  }
}

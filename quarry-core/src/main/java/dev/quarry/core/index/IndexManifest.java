package dev.quarry.core.index;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.ConflictException;
import java.util.Objects;

/**
 * How an index was built. Saved beside the index; an index refuses to be opened with an embedder
 * or chunker that does not match.
 */
public record IndexManifest(
    int formatVersion,
    String embedderId,
    int dimension,
    Similarity similarity,
    VectorEncoding vectorEncoding,
    ChunkerConfig chunker) {

  /** Bumped whenever the on-disk layout of fields changes incompatibly. */
  public static final int CURRENT_FORMAT = 1;

  public IndexManifest {
    Objects.requireNonNull(embedderId, "embedderId");
    Objects.requireNonNull(similarity, "similarity");
    Objects.requireNonNull(vectorEncoding, "vectorEncoding");
    Objects.requireNonNull(chunker, "chunker");
  }

  public static IndexManifest of(EmbeddingModelInfo model, VectorEncoding encoding, ChunkerConfig chunker) {
    return new IndexManifest(
        CURRENT_FORMAT, model.id(), model.dimension(), model.similarity(), encoding, chunker);
  }

  /** Throws {@link ConflictException} naming the first difference when {@code model} does not fit. */
  public void requireCompatible(EmbeddingModelInfo model) {
    if (formatVersion != CURRENT_FORMAT) {
      throw new ConflictException(
          "index format " + formatVersion + " is not supported by this version (expects "
              + CURRENT_FORMAT + "); re-ingest into a new collection");
    }
    if (!embedderId.equals(model.id())) {
      throw new ConflictException(
          "index was built with embedder '" + embedderId + "' but '" + model.id()
              + "' was given; use the same embedder or a new collection");
    }
    if (dimension != model.dimension() || similarity != model.similarity()) {
      throw new ConflictException(
          "index expects " + dimension + "-d " + similarity + " vectors, embedder '" + model.id()
              + "' makes " + model.dimension() + "-d " + model.similarity());
    }
  }
}

package dev.quarry.lucene;

import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.IndexManifest;

/**
 * Checks vectors against an index's manifest before they reach Lucene, which compares them by dot
 * product. For a {@link Similarity#DOT_PRODUCT} index, chunk vectors must already be unit length
 * (within {@link #NORM_TOLERANCE}); for a {@link Similarity#COSINE} index they, and query vectors,
 * are normalised here, so dot product equals cosine.
 */
final class VectorInput {

  /** How far a chunk vector's L2 norm may be from 1 in a dot-product index. */
  static final double NORM_TOLERANCE = 1e-2;

  private final int dimension;
  private final Similarity similarity;

  VectorInput(IndexManifest manifest) {
    this.dimension = manifest.dimension();
    this.similarity = manifest.similarity();
  }

  /** A chunk vector ready to index, or an {@link InvalidInputException} saying what is wrong. */
  float[] chunkVector(String documentId, int index, float[] vector) {
    String what = "vector " + index + " of document '" + documentId + "'";
    double norm = checked(what, vector);
    if (norm == 0) {
      throw new InvalidInputException(what + " is all zeros; it has no direction to compare");
    }
    return switch (similarity) {
      case COSINE -> normalised(vector, norm);
      case DOT_PRODUCT -> {
        if (Math.abs(norm - 1) > NORM_TOLERANCE) {
          throw new InvalidInputException(
              what + " has L2 norm " + (float) norm + "; this index compares by dot product and"
                  + " needs unit-length vectors (normalise them, or build the index with COSINE)");
        }
        yield vector.clone();
      }
    };
  }

  /** A query vector ready to search with. */
  float[] queryVector(float[] vector) {
    if (vector == null) {
      throw new InvalidInputException("vector retrieval needs a query vector; none was given");
    }
    double norm = checked("query vector", vector);
    if (norm == 0) {
      throw new InvalidInputException("query vector is all zeros; it has no direction to compare");
    }
    return similarity == Similarity.COSINE ? normalised(vector, norm) : vector.clone();
  }

  private double checked(String what, float[] vector) {
    if (vector.length != dimension) {
      throw new InvalidInputException(
          what + " has " + vector.length + " dimensions; this index holds " + dimension + "-d vectors");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new InvalidInputException(what + " has a non-finite value at " + i + ": " + vector[i]);
      }
    }
    return Math.sqrt(ExactDot.dotProduct(vector, vector));
  }

  private static float[] normalised(float[] vector, double norm) {
    float[] out = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      out[i] = (float) (vector[i] / norm);
    }
    return out;
  }
}

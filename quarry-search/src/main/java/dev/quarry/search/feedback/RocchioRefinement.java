package dev.quarry.search.feedback;

import java.util.List;
import java.util.Optional;

/**
 * Rocchio's query refinement on embeddings, the pure function behind vector pseudo-relevance
 * feedback ({@link dev.quarry.core.search.VectorFeedback}):
 *
 * <pre>q' = normalize(q / |q| + weight * mean(d_1 .. d_n))</pre>
 *
 * with the feedback vectors {@code d_i} as the index stores them (unit length). Computed in double,
 * in a fixed order, so the same inputs give the same bits in every run. Rocchio, "Relevance
 * feedback in information retrieval" (1971); for dense retrievers, Li et al., "Pseudo Relevance
 * VectorFeedback with Deep Language Models and Dense Retrievers: Successes and Pitfalls" (TOIS 2023).
 */
public final class RocchioRefinement {

  private RocchioRefinement() {}

  /**
   * The refined query, or empty when there is nothing to refine with ({@code feedback} empty, or
   * a query or sum with no direction, e.g. all zeros).
   *
   * @throws IllegalArgumentException if a feedback vector's dimension is not the query's
   */
  public static Optional<float[]> refine(float[] query, List<float[]> feedback, double weight) {
    if (feedback.isEmpty()) {
      return Optional.empty();
    }
    double queryNorm = norm(query);
    if (queryNorm == 0) {
      return Optional.empty();
    }
    int dimension = query.length;
    double[] mean = new double[dimension];
    for (float[] d : feedback) {
      if (d.length != dimension) {
        throw new IllegalArgumentException(
            "feedback vector has " + d.length + " dimensions; the query has " + dimension);
      }
      for (int i = 0; i < dimension; i++) {
        mean[i] += d[i];
      }
    }
    double[] refined = new double[dimension];
    double sumOfSquares = 0;
    for (int i = 0; i < dimension; i++) {
      refined[i] = query[i] / queryNorm + weight * (mean[i] / feedback.size());
      sumOfSquares += refined[i] * refined[i];
    }
    double norm = Math.sqrt(sumOfSquares);
    if (!(norm > 0) || !Double.isFinite(norm)) {
      return Optional.empty();
    }
    float[] out = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      out[i] = (float) (refined[i] / norm);
    }
    return Optional.of(out);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}

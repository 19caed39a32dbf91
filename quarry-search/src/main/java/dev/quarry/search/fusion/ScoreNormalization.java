package dev.quarry.search.fusion;

/**
 * How one list's raw scores are put on a common scale before lists are combined. Statistics are
 * taken over the list's first {@code window} scores (see {@link NormalizedScoreFusion}).
 *
 * <ul>
 *   <li>{@link #MIN_MAX}: {@code (s - min) / (max - min)}; a constant list maps to 1.
 *   <li>{@link #Z_SCORE}: {@code (s - mean) / sd}; a constant list maps to 0.
 *   <li>{@link #DBSF}: distribution-based score fusion (Mazzeschi 2023; Qdrant's {@code dbsf}):
 *       min-max between {@code mean - 3 sd} and {@code mean + 3 sd}, so one outlying top score
 *       does not squash the rest as it does under min-max; a constant list maps to 1.
 * </ul>
 */
public enum ScoreNormalization {
  MIN_MAX,
  Z_SCORE,
  DBSF;

  /** A linear map {@code (s - offset) / scale} fitted to {@code scores[0..n)}; n >= 1. */
  record Linear(double offset, double scale, double constant) {
    double apply(double s) {
      return scale > 0 ? (s - offset) / scale : constant;
    }
  }

  Linear fit(float[] scores, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("cannot normalise an empty list");
    }
    return switch (this) {
      case MIN_MAX -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          min = Math.min(min, scores[i]);
          max = Math.max(max, scores[i]);
        }
        yield new Linear(min, max - min, 1.0);
      }
      case Z_SCORE -> {
        double[] ms = meanAndSd(scores, n);
        yield new Linear(ms[0], ms[1], 0.0);
      }
      case DBSF -> {
        double[] ms = meanAndSd(scores, n);
        yield new Linear(ms[0] - 3 * ms[1], 6 * ms[1], 1.0);
      }
    };
  }

  /** Mean and population standard deviation of {@code scores[0..n)}. */
  static double[] meanAndSd(float[] scores, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += scores[i];
    }
    double mean = sum / n;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double d = scores[i] - mean;
      squares += d * d;
    }
    return new double[] {mean, Math.sqrt(squares / n)};
  }
}

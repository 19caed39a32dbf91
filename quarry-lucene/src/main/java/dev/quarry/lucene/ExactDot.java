package dev.quarry.lucene;

/**
 * The dot product that exact scores are computed with: the same bits for the same two vectors in
 * every run, on every CPU.
 *
 * <p>Not Lucene's {@code VectorUtil.dotProduct}: with the Panama vector API enabled, its lanes are
 * summed in another order once the JIT has compiled it than before, so the same query and chunk
 * scored a few ULPs apart depending on how warm the JVM was (measured: 133 of 199 random 384-d
 * pairs changed after warm-up, by up to 7.6e-6), which reordered near-ties between two builds of
 * the same index (docs/evaluation.md, "Reproducibility"). Here the products are exact in double
 * and summed in a fixed order over four accumulators; Java's strict floating point leaves the
 * compiler no freedom to reassociate, and no FMA is used, so the result is fixed by the inputs.
 */
final class ExactDot {

  private ExactDot() {}

  static float dotProduct(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector dimensions differ: " + a.length + " != " + b.length);
    }
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (int upTo = a.length & ~3; i < upTo; i += 4) {
      s0 += (double) a[i] * b[i];
      s1 += (double) a[i + 1] * b[i + 1];
      s2 += (double) a[i + 2] * b[i + 2];
      s3 += (double) a[i + 3] * b[i + 3];
    }
    for (; i < a.length; i++) {
      s0 += (double) a[i] * b[i];
    }
    return (float) ((s0 + s1) + (s2 + s3));
  }
}

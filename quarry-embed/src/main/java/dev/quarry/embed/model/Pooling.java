package dev.quarry.embed.model;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * How a model's per-token hidden states become one sentence vector. The choice belongs to the model
 * (it was trained with it): bge uses the [CLS] state, all-MiniLM-L6-v2 the attention-masked mean.
 */
public enum Pooling {
  /** The hidden state of the first token ([CLS]). */
  CLS,
  /** The mean of the hidden states of the real (attention mask 1) tokens, padding excluded. */
  MEAN;

  /**
   * Pools one sequence of a batch into {@code out}.
   *
   * @param hidden the batch's last hidden state, laid out as [batch][sequence][dimension]
   * @param row the sequence's index in the batch
   * @param sequenceLength the padded length of every sequence in the batch
   * @param realTokens how many leading positions of the row are real tokens (the rest is padding)
   * @param out receives {@code out.length} (the dimension) floats
   */
  public void pool(FloatBuffer hidden, int row, int sequenceLength, int realTokens, float[] out) {
    int dimension = out.length;
    int rowStart = row * sequenceLength * dimension;
    switch (this) {
      case CLS -> hidden.get(rowStart, out);
      case MEAN -> {
        Arrays.fill(out, 0f);
        float[] token = new float[dimension];
        for (int t = 0; t < realTokens; t++) {
          hidden.get(rowStart + t * dimension, token);
          for (int d = 0; d < dimension; d++) {
            out[d] += token[d];
          }
        }
        float inverse = 1f / Math.max(1, realTokens);
        for (int d = 0; d < dimension; d++) {
          out[d] *= inverse;
        }
      }
    }
  }

  /** Scales {@code vector} to unit L2 length in place; a zero vector is left as it is. */
  public static void normalize(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += (double) v * v;
    }
    if (sum == 0) {
      return;
    }
    float inverse = (float) (1 / Math.sqrt(sum));
    for (int i = 0; i < vector.length; i++) {
      vector[i] *= inverse;
    }
  }
}

package dev.quarry.embed.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class PoolingTest {

  // two rows, sequence length 3, dimension 2; row 1 has 2 real tokens and one padding position
  private static final FloatBuffer HIDDEN =
      FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6, /* row 1 */ 10, 20, 30, 40, 999, 999});

  @Test
  void clsTakesTheFirstTokenOfTheRow() {
    float[] out = new float[2];
    Pooling.CLS.pool(HIDDEN, 1, 3, 2, out);
    assertArrayEquals(new float[] {10, 20}, out);
  }

  @Test
  void meanAveragesRealTokensAndIgnoresPadding() {
    float[] out = new float[2];
    Pooling.MEAN.pool(HIDDEN, 1, 3, 2, out);
    assertArrayEquals(new float[] {20, 30}, out);
    Pooling.MEAN.pool(HIDDEN, 0, 3, 3, out);
    assertArrayEquals(new float[] {3, 4}, out);
  }

  @Test
  void normaliseMakesUnitLengthAndLeavesZeroAlone() {
    float[] v = {3, 4};
    Pooling.normalize(v);
    assertArrayEquals(new float[] {0.6f, 0.8f}, v, 1e-6f);
    float[] zero = {0, 0};
    Pooling.normalize(zero);
    assertEquals(0f, zero[0]);
  }
}

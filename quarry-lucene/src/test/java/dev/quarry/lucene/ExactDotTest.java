package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

class ExactDotTest {

  @Test
  void givesTheSameBitsColdAndAfterTheJitHasCompiledIt() {
    Random random = new Random(1);
    float[][] v = new float[200][384];
    for (float[] x : v) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
    }
    float[] cold = new float[v.length - 1];
    for (int i = 0; i < cold.length; i++) {
      cold[i] = ExactDot.dotProduct(v[i], v[i + 1]);
    }
    float sink = 0;
    for (int n = 0; n < 300_000; n++) {
      sink += ExactDot.dotProduct(v[n % cold.length], v[n % cold.length + 1]);
    }
    for (int i = 0; i < cold.length; i++) {
      float warm = ExactDot.dotProduct(v[i], v[i + 1]);
      assertEquals(Float.floatToIntBits(cold[i]), Float.floatToIntBits(warm), "pair " + i + " (sink " + sink + ")");
      // and it is the dot product: within float rounding of Lucene's
      assertEquals(VectorUtil.dotProduct(v[i], v[i + 1]), warm, 1e-4f);
    }
  }

  @Test
  void oddDimensionsAndMismatches() {
    assertEquals(1 * 4 + 2 * 5 + 3 * 6, ExactDot.dotProduct(new float[] {1, 2, 3}, new float[] {4, 5, 6}));
    assertEquals(70f, ExactDot.dotProduct(new float[] {1, 2, 3, 4, 5}, new float[] {0, 0, 0, 0, 14}));
    assertThrows(IllegalArgumentException.class, () -> ExactDot.dotProduct(new float[2], new float[3]));
  }
}

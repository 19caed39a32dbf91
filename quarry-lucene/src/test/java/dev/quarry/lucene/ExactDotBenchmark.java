package dev.quarry.lucene;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import org.apache.lucene.util.VectorUtil;

/**
 * CPU time of rescoring one query's candidates: {@link ExactDot} against Lucene's Panama {@code
 * VectorUtil.dotProduct}, 384-d, 1,000 candidates, 2,000 rounds each, three passes (the first
 * includes warm-up). Not a unit test: run it by hand.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector \
 *   -cp quarry-lucene/target/classes:quarry-lucene/target/test-classes:$(cat cp.txt) \
 *   dev.quarry.lucene.ExactDotBenchmark
 * </pre>
 */
public final class ExactDotBenchmark {

  private ExactDotBenchmark() {}

  public static void main(String[] args) {
    Random random = new Random(1);
    float[][] candidates = new float[1000][384];
    float[] query = new float[384];
    for (float[] c : candidates) {
      fill(c, random);
    }
    fill(query, random);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    float sink = 0;
    int rounds = 2000;
    for (int pass = 0; pass < 3; pass++) {
      long t0 = threads.getCurrentThreadCpuTime();
      for (int r = 0; r < rounds; r++) {
        for (float[] c : candidates) {
          sink += VectorUtil.dotProduct(query, c);
        }
      }
      long t1 = threads.getCurrentThreadCpuTime();
      for (int r = 0; r < rounds; r++) {
        for (float[] c : candidates) {
          sink += ExactDot.dotProduct(query, c);
        }
      }
      long t2 = threads.getCurrentThreadCpuTime();
      System.out.printf("pass %d, CPU per 1,000 candidates: VectorUtil %.1f us, ExactDot %.1f us%n",
          pass + 1, (t1 - t0) / (rounds * 1e3), (t2 - t1) / (rounds * 1e3));
    }
    System.out.println("(checksum " + sink + ")");
  }

  private static void fill(float[] v, Random random) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
  }
}

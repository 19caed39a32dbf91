package dev.quarry.lucene;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.Retriever;
import dev.quarry.core.search.ScoredChunkRef;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recall@10 of the approximate vector retriever against exact search, and query latency, on
 * synthetic unit vectors. Not a unit test (its name does not end in Test): run it by hand.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
 *   -cp quarry-lucene/target/classes:quarry-lucene/target/test-classes:$(cat cp.txt) \
 *   dev.quarry.lucene.VectorRecallBenchmark count=100000 dim=384 data=clustered encoding=INT8 \
 *   m=32 beam=100 ef=10,50,100,200,400 queries=200
 * </pre>
 *
 * {@code data=uniform} draws vectors uniformly from the unit sphere (every point nearly as far as
 * every other: the hardest case for HNSW); {@code data=clustered} draws them from a mixture of
 * {@code clusters} Gaussians around random unit centres with per-dimension spread {@code spread},
 * normalised, which is closer to how sentence embeddings crowd together. Queries come from the
 * same distribution and are not in the index.
 */
public final class VectorRecallBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private VectorRecallBenchmark() {}

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws IOException {
    Settings s = Settings.parse(args);
    System.out.println("settings: " + s);
    Random random = new Random(s.seed);
    float[][] centres = Fixtures.units(random, Math.max(s.clusters, s.intrinsic), s.dim);
    Path dir = Files.createTempDirectory("quarry-recall-");
    IndexManifest manifest = IndexManifest.of(
        Fixtures.model("bench", s.dim), s.encoding, ChunkerConfig.DEFAULT);
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, manifest, new HnswConfig(s.m, s.beam, 100))) {
      long start = System.nanoTime();
      long startCpu = processCpuNanos();
      for (int i = 0; i < s.count; i++) {
        Document doc = Document.of("d" + i, "", "chunk " + i, Metadata.empty());
        index.upsert(doc, Fixtures.chunks(doc), new float[][] {draw(s, random, centres)});
      }
      double upsertSeconds = (System.nanoTime() - start) / 1e9;
      index.commit();
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      double buildCpuSeconds = (processCpuNanos() - startCpu) / 1e9;
      System.out.printf(Locale.ROOT,
          "indexed %d vectors in %.1f s wall, %.1f s process CPU (upserts %.1f s, refresh+commit %.1f s), %d MB on disk%n",
          s.count, buildSeconds, buildCpuSeconds, upsertSeconds, buildSeconds - upsertSeconds,
          index.stats().sizeBytes() >> 20);

      List<RetrievalQuery> queries = new ArrayList<>();
      for (int q = 0; q < s.queries; q++) {
        queries.add(new RetrievalQuery("", draw(s, random, centres), Optional.empty()));
      }
      List<Set<String>> truth = new ArrayList<>();
      long[] exactNanos = new long[queries.size()];
      long exactCpu = 0;
      for (int q = 0; q < queries.size(); q++) {
        long t = System.nanoTime();
        long c = THREADS.getCurrentThreadCpuTime();
        truth.add(ids(index.exactVector().retrieve(queries.get(q), s.k)));
        exactCpu += THREADS.getCurrentThreadCpuTime() - c;
        exactNanos[q] = System.nanoTime() - t;
      }
      System.out.printf(Locale.ROOT, "exact: wall p50 %.2f ms p99 %.2f ms, CPU mean %.2f ms%n",
          percentile(exactNanos, 0.5), percentile(exactNanos, 0.99), exactCpu / 1e6 / queries.size());

      for (int ef : s.efs) {
        Retriever retriever = index.vector(ef);
        for (int w = 0; w < Math.min(50, queries.size()); w++) {
          retriever.retrieve(queries.get(w), s.k); // warm up
        }
        int found = 0;
        long[] nanos = new long[queries.size()];
        long cpu = 0;
        for (int q = 0; q < queries.size(); q++) {
          long t = System.nanoTime();
          long c = THREADS.getCurrentThreadCpuTime();
          Set<String> approx = ids(retriever.retrieve(queries.get(q), s.k));
          cpu += THREADS.getCurrentThreadCpuTime() - c;
          nanos[q] = System.nanoTime() - t;
          approx.retainAll(truth.get(q));
          found += approx.size();
        }
        System.out.printf(Locale.ROOT,
            "efSearch %4d: recall@%d %.3f, wall p50 %.2f ms p99 %.2f ms, CPU mean %.2f ms%n",
            ef, s.k, found / (double) (queries.size() * s.k), percentile(nanos, 0.5), percentile(nanos, 0.99),
            cpu / 1e6 / queries.size());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static float[] draw(Settings s, Random random, float[][] centres) {
    return switch (s.data) {
      case "uniform" -> Fixtures.unit(random, s.dim);
      case "clustered" -> Fixtures.near(random, centres[random.nextInt(centres.length)], s.spread);
      case "lowrank" -> lowRank(s, random, centres);
      default -> throw new IllegalArgumentException("data must be uniform, clustered or lowrank, got: " + s.data);
    };
  }

  /**
   * A point of a random {@code intrinsic}-dimensional subspace (spanned by the first
   * {@code intrinsic} of {@code centres}, which are random directions) plus isotropic noise of
   * relative size {@code spread}, normalised.
   */
  private static float[] lowRank(Settings s, Random random, float[][] basis) {
    float[] v = new float[s.dim];
    for (int j = 0; j < s.intrinsic; j++) {
      float z = (float) random.nextGaussian();
      for (int i = 0; i < s.dim; i++) {
        v[i] += z * basis[j][i];
      }
    }
    double noise = s.spread * Math.sqrt(s.intrinsic / (double) s.dim);
    double norm = 0;
    for (int i = 0; i < s.dim; i++) {
      v[i] += (float) (noise * random.nextGaussian());
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < s.dim; i++) {
      v[i] *= inv;
    }
    return v;
  }

  private static Set<String> ids(RankedList list) {
    Set<String> out = new HashSet<>();
    for (ScoredChunkRef ref : list.items()) {
      out.add(ref.chunkId());
    }
    return out;
  }

  private static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  /** Command-line settings as {@code key=value} pairs. */
  private record Settings(
      int count, int dim, int queries, int k, String data, int clusters, double spread, int intrinsic,
      VectorEncoding encoding, int m, int beam, int[] efs, long seed) {

    static Settings parse(String[] args) {
      java.util.Map<String, String> kv = new java.util.HashMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("arguments are key=value, got: " + arg);
        }
        kv.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
      return new Settings(
          Integer.parseInt(kv.getOrDefault("count", "100000")),
          Integer.parseInt(kv.getOrDefault("dim", "384")),
          Integer.parseInt(kv.getOrDefault("queries", "200")),
          Integer.parseInt(kv.getOrDefault("k", "10")),
          kv.getOrDefault("data", "clustered"),
          Integer.parseInt(kv.getOrDefault("clusters", "100")),
          Double.parseDouble(kv.getOrDefault("spread", "0.05")),
          Integer.parseInt(kv.getOrDefault("intrinsic", "32")),
          VectorEncoding.valueOf(kv.getOrDefault("encoding", "INT8")),
          Integer.parseInt(kv.getOrDefault("m", "32")),
          Integer.parseInt(kv.getOrDefault("beam", "100")),
          Arrays.stream(kv.getOrDefault("ef", "10,50,100,200,400").split(",")).mapToInt(Integer::parseInt).toArray(),
          Long.parseLong(kv.getOrDefault("seed", "42")));
    }

    @Override
    public String toString() {
      return "count=" + count + " dim=" + dim + " queries=" + queries + " k=" + k + " data=" + data
          + switch (data) {
            case "clustered" -> " clusters=" + clusters + " spread=" + spread;
            case "lowrank" -> " intrinsic=" + intrinsic + " spread=" + spread;
            default -> "";
          }
          + " encoding=" + encoding + " m=" + m + " beam=" + beam + " ef=" + Arrays.toString(efs) + " seed=" + seed;
    }
  }
}

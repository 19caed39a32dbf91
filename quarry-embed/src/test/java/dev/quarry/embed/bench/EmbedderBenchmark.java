package dev.quarry.embed.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.embed.InputKind;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures {@link OnnxEmbedder} configurations on SciFact: documents (title + "\n\n" + abstract)
 * per second, and query latency and concurrent query throughput (bge prefix added by the embedder).
 * Not a unit test (its name does not match Surefire's patterns); run by hand from the repository
 * root after {@code ./mvnw -o -q -B install -pl quarry-embed}:
 *
 * <pre>
 * ./mvnw -q -B dependency:build-classpath -pl quarry-embed -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * cd quarry-embed &amp;&amp; java -Xmx2g --enable-native-access=ALL-UNNAMED \
 *   -cp "$(cat target/bench.cp):target/classes:target/test-classes" dev.quarry.embed.bench.EmbedderBenchmark \
 *   /work/shared/datasets/scifact bge-small-en-v1.5-q 400 200 1,4,8,16
 * </pre>
 *
 * Configurations run interleaved, {@code ROUNDS} times, and each figure is the best of its runs, so
 * that noise from other work on the machine falls on all of them alike. docs/cpu-s divides by the
 * process's CPU time: efficiency independent of how many cores were free.
 */
public final class EmbedderBenchmark {

  private static final int ROUNDS = 2;

  private EmbedderBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dataset = Path.of(args.length > 0 ? args[0] : "/work/shared/datasets/scifact");
    String model = args.length > 1 ? args[1] : "bge-small-en-v1.5-q";
    int docCount = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    int queryCount = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int[] batchSizes =
        Arrays.stream((args.length > 4 ? args[4] : "1,4,8,16").split(",")).mapToInt(Integer::parseInt).toArray();
    List<String> docs = read(dataset.resolve("corpus.jsonl"), docCount, true);
    List<String> queries = read(dataset.resolve("queries.jsonl"), queryCount, false);
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "model %s, %d docs, %d queries, %d cores, best of %d interleaved rounds%n",
        model, docs.size(), queries.size(), cores, ROUNDS);
    List<OnnxEmbedderConfig> configs = new ArrayList<>();
    for (int batch : batchSizes) {
      configs.add(new OnnxEmbedderConfig(model, cores, 1, batch));
      configs.add(new OnnxEmbedderConfig(model, 1, cores, batch));
    }
    List<OnnxEmbedder> embedders = new ArrayList<>();
    for (OnnxEmbedderConfig config : configs) {
      OnnxEmbedder embedder = OnnxEmbedder.open(config);
      embedder.embed(docs.subList(0, Math.min(16, docs.size())), InputKind.DOCUMENT);
      embedders.add(embedder);
    }
    int n = configs.size();
    double[] sorted = new double[n];
    double[] sortedCpu = new double[n];
    double[] unsorted = new double[n];
    double[][] latency = new double[n][];
    double[] concurrent = new double[n];
    for (int round = 0; round < ROUNDS; round++) {
      for (int c = 0; c < n; c++) {
        OnnxEmbedder embedder = embedders.get(c);
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        embedder.embed(docs, InputKind.DOCUMENT);
        sorted[c] = Math.max(sorted[c], docs.size() / seconds(start));
        sortedCpu[c] = Math.max(sortedCpu[c], docs.size() / ((processCpuNanos() - cpu) / 1e9));
        if (embedder.config().batchSize() >= 8) { // at batch 1 order cannot matter
          unsorted[c] = Math.max(unsorted[c], unsortedDocsPerSecond(embedder, docs, embedder.config().batchSize()));
        }
        System.out.printf(Locale.ROOT, "  round %d %s: %.1f docs/s sorted, %.1f unsorted%n",
            round + 1, embedder.config(), sorted[c], unsorted[c]);
        if (c < 2) { // single-query calls do not depend on the batch size: measure each shape once
          double[] l = queryLatency(embedder, queries);
          latency[c] = latency[c] == null || l[0] < latency[c][0] ? l : latency[c];
          concurrent[c] = Math.max(concurrent[c], concurrentQueries(embedder, queries, 4));
          System.out.printf(Locale.ROOT, "  round %d %s: query %.2f ms mean, %.1f queries/s with 4 callers%n",
              round + 1, embedder.config(), l[0], concurrent[c]);
        }
      }
      System.out.println("round " + (round + 1) + " done");
    }
    System.out.println("sessions intra batch | docs/s sorted  docs/cpu-s  docs/s unsorted");
    for (int c = 0; c < n; c++) {
      OnnxEmbedderConfig config = configs.get(c);
      System.out.printf(Locale.ROOT, "%8d %5d %5d | %13.1f %11.1f %16.1f%n",
          config.sessions(), config.intraOpThreads(), config.batchSize(), sorted[c], sortedCpu[c], unsorted[c]);
    }
    System.out.println("sessions intra | single query ms mean  p50  p95 | queries/s, 4 concurrent callers");
    for (int c = 0; c < n; c++) {
      if (latency[c] != null) {
        System.out.printf(Locale.ROOT, "%8d %5d | %20.2f %5.2f %5.2f | %6.1f%n",
            configs.get(c).sessions(), configs.get(c).intraOpThreads(), latency[c][0], latency[c][1], latency[c][2], concurrent[c]);
      }
    }
    embedders.forEach(OnnxEmbedder::close);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Batches in corpus order, one call per batch: what length sorting saves. */
  private static double unsortedDocsPerSecond(OnnxEmbedder embedder, List<String> docs, int batch)
      throws Exception {
    int callers = embedder.config().sessions();
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        running.add(pool.submit(() -> {
          for (int from = next.getAndAdd(batch); from < docs.size(); from = next.getAndAdd(batch)) {
            embedder.embed(docs.subList(from, Math.min(docs.size(), from + batch)), InputKind.DOCUMENT);
          }
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    }
    return docs.size() / seconds(start);
  }

  /** Mean, median and 95th percentile milliseconds of one query embedded alone. */
  private static double[] queryLatency(OnnxEmbedder embedder, List<String> queries) {
    double[] ms = new double[queries.size()];
    for (int i = 0; i < ms.length; i++) {
      long start = System.nanoTime();
      embedder.embed(List.of(queries.get(i)), InputKind.QUERY);
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    double mean = Arrays.stream(ms).average().orElse(0);
    Arrays.sort(ms);
    return new double[] {mean, ms[ms.length / 2], ms[(int) Math.floor(ms.length * 0.95)]};
  }

  /** Queries per second when {@code callers} threads each embed single queries, as a server does. */
  private static double concurrentQueries(OnnxEmbedder embedder, List<String> queries, int callers)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        running.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < queries.size(); i = next.getAndIncrement()) {
            embedder.embed(List.of(queries.get(i)), InputKind.QUERY);
          }
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    }
    return queries.size() / seconds(start);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static List<String> read(Path file, int limit, boolean withTitle) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      for (String line = reader.readLine(); line != null && texts.size() < limit; line = reader.readLine()) {
        JsonNode node = json.readTree(line);
        String text = node.path("text").asText();
        String title = node.path("title").asText("");
        texts.add(withTitle && !title.isEmpty() ? title + "\n\n" + text : text);
      }
    }
    return texts;
  }
}

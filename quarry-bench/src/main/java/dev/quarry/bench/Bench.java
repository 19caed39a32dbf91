package dev.quarry.bench;

import dev.quarry.bench.load.ChatBenchmark;
import dev.quarry.bench.load.LoadBenchmark;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Benchmarks, run with {@code ./quarry bench NAME [--dataset DIR] [...]}:
 *
 * <ul>
 *   <li>{@code ingest}: raw ONNX embedding rate on a BEIR corpus's chunks, then the whole ingestion
 *       pipeline on the same corpus, in one process; prints both and their ratio.
 *   <li>{@code latency}: single-client query latency (query embedding included) per mode on a
 *       BEIR dataset's queries.
 *   <li>{@code synthetic}: builds an index of {@code --chunks} (default 100,000) chunks derived from
 *       the corpus, then hybrid latency and ANN recall@10 against exact search.
 *   <li>{@code purge}: how long an erasure's purge of one document takes on a collection of {@code
 *       --chunks} chunks ({@link PurgeBenchmark}).
 *   <li>{@code schema}: compiling a response format's JSON Schema and validating answers against it
 *       ({@link SchemaBenchmark}).
 *   <li>{@code routing}: the model router's own time per call against an instant upstream
 *       ({@link RoutingOverheadBenchmark}).
 *   <li>{@code metering}: the accounting overhead per model call against an instant upstream
 *       ({@link MeteringBenchmark}).
 *   <li>{@code experiment-report}: an experiment's report over {@code --events} stored events
 *       ({@link ExperimentReportBenchmark}).
 *   <li>{@code load}: {@code quarry serve} in its own process under concurrent HTTP clients
 *       ({@link LoadBenchmark}; its own options, see {@code ./quarry bench load --help}).
 *   <li>{@code chat-overhead}, {@code chat-extractive}, {@code chat-stream}: the answer pipeline's
 *       floors against {@code quarry serve} ({@link ChatBenchmark}).
 * </ul>
 *
 * Each prints the machine's load average and this process's peak RSS beside its numbers.
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("quarry.log.level") == null) {
      System.setProperty("quarry.log.level", "WARN"); // logback.xml (quarry-cli): library INFO lines are not results
    }
    if (args.length == 0) {
      System.err.println("usage: quarry bench ingest|latency|synthetic|purge|schema [--dataset DIR] [--data-dir DIR] [--chunks N]");
      System.err.println(LoadBenchmark.USAGE);
      System.err.println(ChatBenchmark.USAGE);
      System.exit(2);
    }
    if (args[0].equals("rerank-latency")) {
      RerankLatencyBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("rerank-warmup")) {
      RerankWarmup.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("cross-encoder")) {
      CrossEncoderBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("rerank-study")) {
      RerankStudy.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("fusion-study")) {
      FusionStudy.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("routing")) {
      RoutingOverheadBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("metering")) {
      MeteringBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].startsWith("chat-")) {
      ChatBenchmark.run(args[0], Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("load")) {
      LoadBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("experiment-report")) {
      ExperimentReportBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args[0].equals("schema")) {
      SchemaBenchmark.run();
      return;
    }
    Args a = Args.parse(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "ingest" -> IngestBenchmark.run(a);
      case "latency" -> LatencyBenchmark.run(a);
      case "synthetic" -> SyntheticIndexBenchmark.run(a);
      case "purge" -> PurgeBenchmark.run(a);
      default -> {
        System.err.println("unknown benchmark '" + args[0] + "' (ingest, latency, synthetic, purge, schema, routing, "
            + "metering, experiment-report, load, chat-overhead, chat-extractive, chat-stream)");
        System.exit(2);
      }
    }
  }

  /** Options common to the benchmarks. */
  record Args(Path dataset, Path dataDir, int chunks, int seed) {
    static Args parse(String[] args) {
      Path dataset = Path.of("../shared/datasets/scifact");
      Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "quarry-bench-data");
      int chunks = 100_000;
      int seed = 42;
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--dataset" -> { dataset = Path.of(require(args[i], v)); i++; }
          case "--data-dir" -> { dataDir = Path.of(require(args[i], v)); i++; }
          case "--chunks" -> { chunks = Integer.parseInt(require(args[i], v)); i++; }
          case "--seed" -> { seed = Integer.parseInt(require(args[i], v)); i++; }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Args(dataset, dataDir, chunks, seed);
    }

    private static String require(String option, String value) {
      if (value == null) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return value;
    }
  }
}

package dev.quarry.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Options of {@code ./quarry bench load}, checked as they are parsed.
 *
 * @param dataset BEIR dataset directory (corpus.jsonl, queries.jsonl, qrels/)
 * @param dataDir the server's data directory, kept between runs so the corpus is ingested once
 * @param duration length of the search phase and of the mixed phase, each
 * @param warmup closed-loop searching before each measured phase, not measured; 60 s by default, by
 *     when the JIT has settled (after 20 s its compiler threads still took 0.26 CPU-ms per search,
 *     after 60 s 0.06)
 * @param clients search clients of the search phase
 * @param mixedSearchClients search clients of the mixed phase
 * @param mixedIngestClients ingesting clients of the mixed phase
 * @param ingestBatch documents per batch an ingesting client sends
 * @param out where the JSON result is written
 * @param serverLog where the server's stdout and stderr (its access log) go
 * @param serverJavaOptions JVM options added after the launcher's for the server process
 * @param setupTimeout bound on starting the server, on ingesting the corpus and on the large document
 * @param largeDocumentMb size of one document ingested after the corpus, in MB of text; 0 for none
 */
record LoadOptions(
    Path dataset, Path dataDir, Duration duration, Duration warmup, int clients, int mixedSearchClients,
    int mixedIngestClients, int ingestBatch, Path out, Path serverLog, List<String> serverJavaOptions,
    Duration setupTimeout, int largeDocumentMb) {

  static final String USAGE = """
      usage: quarry bench load [--dataset DIR] [--data-dir DIR] [--duration 60s] [--warmup 60s]
                               [--clients 8] [--mixed-search 6] [--mixed-ingest 2] [--ingest-batch 20]
                               [--out FILE] [--server-log FILE] [--server-java-opts "OPTS"] [--setup-timeout 30m]
                               [--large-document MB]""";

  /** The server takes request bodies up to 32 MiB; the JSON line adds escapes to the text. */
  static final int MAX_LARGE_DOCUMENT_MB = 24;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  LoadOptions {
    serverJavaOptions = List.copyOf(serverJavaOptions);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("--duration must be positive, got: " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, got: " + warmup);
    }
    requireRange("--clients", clients, 1, 256);
    requireRange("--mixed-search", mixedSearchClients, 1, 256);
    requireRange("--mixed-ingest", mixedIngestClients, 0, 64);
    requireRange("--ingest-batch", ingestBatch, 1, 10_000);
    requireRange("--large-document", largeDocumentMb, 0, MAX_LARGE_DOCUMENT_MB);
  }

  static LoadOptions defaults() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    return new LoadOptions(Path.of("../shared/datasets/scifact"),
        Path.of(System.getProperty("user.home"), ".cache", "quarry-bench", "load"),
        Duration.ofSeconds(60), Duration.ofSeconds(60), 8, 6, 2, 20,
        tmp.resolve("quarry-bench-load.json"), tmp.resolve("quarry-bench-load-serve.log"), List.of(),
        Duration.ofMinutes(30), 0);
  }

  static LoadOptions parse(String... args) {
    LoadOptions d = defaults();
    Path dataset = d.dataset;
    Path dataDir = d.dataDir;
    Duration duration = d.duration;
    Duration warmup = d.warmup;
    int clients = d.clients;
    int mixedSearch = d.mixedSearchClients;
    int mixedIngest = d.mixedIngestClients;
    int ingestBatch = d.ingestBatch;
    Path out = d.out;
    Path serverLog = d.serverLog;
    List<String> javaOptions = new ArrayList<>(d.serverJavaOptions);
    Duration setupTimeout = d.setupTimeout;
    int largeDocumentMb = d.largeDocumentMb;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value" : "unexpected argument '" + option + "'");
      }
      String v = args[++i];
      switch (option) {
        case "--dataset" -> dataset = Path.of(v);
        case "--data-dir" -> dataDir = Path.of(v);
        case "--duration" -> duration = duration(option, v);
        case "--warmup" -> warmup = duration(option, v);
        case "--clients" -> clients = integer(option, v);
        case "--mixed-search" -> mixedSearch = integer(option, v);
        case "--mixed-ingest" -> mixedIngest = integer(option, v);
        case "--ingest-batch" -> ingestBatch = integer(option, v);
        case "--out" -> out = Path.of(v);
        case "--server-log" -> serverLog = Path.of(v);
        case "--server-java-opts" -> javaOptions.addAll(Arrays.stream(v.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        case "--setup-timeout" -> setupTimeout = duration(option, v);
        case "--large-document" -> largeDocumentMb = integer(option, v);
        default -> throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    return new LoadOptions(dataset, dataDir, duration, warmup, clients, mixedSearch, mixedIngest, ingestBatch, out,
        serverLog, javaOptions, setupTimeout, largeDocumentMb);
  }

  /** A whole number and a unit: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
  static Duration duration(String option, String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " is a whole number and a unit (ms, s, m, h) such as 60s, got: '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** In seconds, or milliseconds when not whole seconds: {@code 60s}, {@code 1500ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " is a whole number, got: '" + value + "'", e);
    }
  }

  private static void requireRange(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got: " + value);
    }
  }
}

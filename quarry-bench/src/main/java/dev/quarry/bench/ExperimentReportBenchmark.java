package dev.quarry.bench;

import dev.quarry.experiment.ExperimentReport;
import dev.quarry.experiment.TeamDraft;
import dev.quarry.server.experiment.Experiments;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.experiment.Experiment;
import dev.quarry.store.experiment.NewExperiment;
import dev.quarry.store.jdbc.PostgresSettings;
import dev.quarry.store.jdbc.PostgresStore;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import dev.quarry.store.tenant.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * How long {@code GET /v1/experiments/{id}}'s report takes on an experiment with {@code --events}
 * recorded events: {@code ./quarry bench experiment-report --events N [--store sqlite|postgres]
 * [--postgres-url URL] [--reports R] [--seed S]}. An interleaved experiment (the heavier kind to
 * report) gets impressions of ten documents from two team-draft rankings and feedback on them
 * (half the events; clicks 60%, ratings 20%, dwell times 20%), written one event per transaction
 * through the store as the server writes them; then the report is computed {@code --reports} times
 * (default 20) and the median and mean time per report printed, with the write time per event.
 * SQLite runs in a fresh directory; PostgreSQL in a fresh schema, dropped after.
 */
final class ExperimentReportBenchmark {

  static final String USAGE = "usage: quarry bench experiment-report --events N [--store sqlite|postgres] "
      + "[--postgres-url jdbc:postgresql://127.0.0.1:5432/test] [--reports R] [--seed S]";

  private static final int SHOWN = 10;
  private static final int POOL = 40;

  private ExperimentReportBenchmark() {}

  static void run(String[] args) throws Exception {
    int events = 10_000;
    String kind = "sqlite";
    String url = "jdbc:postgresql://127.0.0.1:5432/test";
    int reports = 20;
    long seed = 42;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        throw new IllegalArgumentException(args[i] + " needs a value; " + USAGE);
      }
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(v);
        case "--store" -> kind = v;
        case "--postgres-url" -> url = v;
        case "--reports" -> reports = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
      }
      i++;
    }
    if (events < 2 || reports < 1) {
      throw new IllegalArgumentException("--events must be at least 2 and --reports at least 1, got: " + events
          + " and " + reports);
    }
    Path dir = Files.createTempDirectory("quarry-experiment-bench");
    String schema = "bench_" + Long.toHexString(System.nanoTime());
    Store store = switch (kind) {
      case "sqlite" -> SqliteStore.open(new SqliteSettings(dir, Duration.ofSeconds(30), 2, false),
          StoreOptions.defaults());
      case "postgres" -> PostgresStore.open(PostgresSettings.of(url, "postgres").withSchema(schema), StoreOptions.defaults());
      default -> throw new IllegalArgumentException("--store must be sqlite or postgres, got: " + kind);
    };
    try {
      measure(store, kind, events, reports, seed);
    } finally {
      store.close();
      if (kind.equals("postgres")) {
        try (var c = java.sql.DriverManager.getConnection(url, "postgres", "");
            var s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    System.out.println(Machine.describe());
  }

  private static void measure(Store store, String kind, int events, int reports, long seed) {
    TenantId tenant = store.tenants().create(TenantId.of("bench")).id();
    Experiment e = store.experiments().create(tenant, new NewExperiment("bench", "docs", "interleave", "user",
        "[{\"name\":\"a\",\"weight\":1.0,\"configuration\":{}},{\"name\":\"b\",\"weight\":1.0,\"configuration\":{}}]"));
    Experiments experiments = new Experiments(store.experiments());
    SplittableRandom random = new SplittableRandom(seed);
    List<String> requests = new ArrayList<>();
    List<List<String>> shownDocs = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int n = 0; n < events; n++) {
      if (requests.isEmpty() || n % 2 == 0) {
        String request = "req-" + n;
        List<TeamDraft.Pick> picks = TeamDraft.interleave(ranking(random), ranking(random), SHOWN, random.nextLong());
        StringBuilder shown = new StringBuilder("[");
        List<String> docs = new ArrayList<>();
        for (TeamDraft.Pick p : picks) {
          shown.append(docs.isEmpty() ? "" : ",").append("{\"doc\":\"").append(p.docId()).append("\",\"arm\":\"")
              .append(p.team() == TeamDraft.Team.A ? "a" : "b").append("\"}");
          docs.add(p.docId());
        }
        store.experiments().recordImpression(tenant, request, e.id(), Optional.empty(),
            "unit-" + random.nextInt(1000), shown.append(']').toString());
        requests.add(request);
        shownDocs.add(docs);
      } else {
        // feedback mostly on recent impressions, as it arrives in practice
        int i = Math.max(0, requests.size() - 1 - random.nextInt(Math.min(requests.size(), 50)));
        String doc = shownDocs.get(i).get(random.nextInt(shownDocs.get(i).size()));
        int r = random.nextInt(10);
        if (r < 6) {
          store.experiments().addFeedback(tenant, requests.get(i), "click", Optional.of(doc), 1);
        } else if (r < 8) {
          store.experiments().addFeedback(tenant, requests.get(i), "rating",
              random.nextBoolean() ? Optional.of(doc) : Optional.empty(), random.nextInt(11) / 2.0);
        } else {
          store.experiments().addFeedback(tenant, requests.get(i), "dwell", Optional.of(doc), random.nextInt(120_000));
        }
      }
    }
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "experiment-report (%s): %,d events (%,d impressions, %,d feedback) written in %.1f s,"
        + " %.1f us per event%n", kind, events, requests.size(), events - requests.size(), writeSeconds,
        writeSeconds * 1e6 / events);
    ExperimentReport first = experiments.report(tenant, e);
    long[] nanos = new long[reports];
    for (int i = 0; i < reports; i++) {
      long t = System.nanoTime();
      ExperimentReport again = experiments.report(tenant, e);
      nanos[i] = System.nanoTime() - t;
      if (!again.equals(first)) {
        throw new IllegalStateException("the report changed between reads without writes");
      }
    }
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    double mean = java.util.Arrays.stream(nanos).average().orElse(0) / 1e6;
    System.out.printf(Locale.ROOT, "report: median %.3f ms, mean %.3f ms, min %.3f ms over %d reads (after one warm-up)%n",
        sorted[reports / 2] / 1e6, mean, sorted[0] / 1e6, reports);
    ExperimentReport.ArmReport a = first.arms().get(0);
    ExperimentReport.Preference p = first.preference().orElseThrow();
    System.out.printf(Locale.ROOT, "check: arm a %d impressions, %d clicks, %d ratings mean %.4f; preference %d-%d-%d-%d%n",
        a.impressions(), a.clicks(), a.ratings(), a.rating().estimate(), p.wins(), p.losses(), p.ties(), p.noClick());
  }

  private static List<String> ranking(SplittableRandom random) {
    List<String> out = new ArrayList<>();
    while (out.size() < SHOWN) {
      String doc = "doc-" + random.nextInt(POOL);
      if (!out.contains(doc)) {
        out.add(doc);
      }
    }
    return out;
  }
}

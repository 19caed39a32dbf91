package dev.quarry.eval;

import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Judgments;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.report.Latency;
import dev.quarry.eval.report.ModeResult;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * Evaluates named modes on a split: every query of the split is searched once per mode, its hits
 * put in trec_eval's order ({@link Ranking}), cut at the depth and scored with {@link BeirMetrics};
 * the report holds the mean over all the split's queries (a query with no hits scores 0, as with
 * {@code trec_eval -c}), latency percentiles, and optionally one TREC run file per mode that
 * trec_eval scores to the same numbers.
 *
 * <p>Modes run one after another; a mode's queries run on a fixed pool of {@code parallelism}
 * named platform threads (searching is CPU-bound), and results are gathered in split order, so
 * the report and run files do not depend on scheduling. Latency is the wall time of each {@link
 * SearchFunction#search} call on the injected nanosecond clock, under that concurrency. The first
 * failing query stops the run with an {@link EvalRunException}.
 */
public final class EvalRunner {

  private final EvalOptions options;
  private final LongSupplier nanoClock;

  /** @param nanoClock a monotonic nanosecond clock, normally {@code System::nanoTime} */
  public EvalRunner(EvalOptions options, LongSupplier nanoClock) {
    this.options = Objects.requireNonNull(options, "options");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  public static EvalRunner create(EvalOptions options) {
    return new EvalRunner(options, System::nanoTime);
  }

  /** Loads {@code split} of {@code dataset} and evaluates {@code modes} on it. */
  public EvalReport run(BeirDataset dataset, String split, List<EvalMode> modes) {
    return run(dataset.name(), dataset.split(split), modes);
  }

  public EvalReport run(String datasetName, EvalSplit split, List<EvalMode> modes) {
    return new EvalReport(datasetName, split.name(), runDetailed(datasetName, split, modes).stream()
        .map(Detailed::result).toList());
  }

  /** Evaluates {@code modes} on {@code split}, keeping each query's metrics (for paired comparisons). */
  public List<Detailed> runDetailed(String datasetName, EvalSplit split, List<EvalMode> modes) {
    if (split.queries().isEmpty()) {
      throw new IllegalArgumentException("split '" + split.name() + "' of " + datasetName + " has no queries");
    }
    Set<String> names = new HashSet<>();
    for (EvalMode mode : modes) {
      if (!names.add(mode.name())) {
        throw new IllegalArgumentException("mode '" + mode.name() + "' is given twice");
      }
    }
    List<Detailed> results = new ArrayList<>();
    for (EvalMode mode : modes) {
      results.add(runMode(datasetName, split, mode));
    }
    return results;
  }

  /**
   * Scores a stored run on {@code split} as a mode's searches are scored (self hits dropped if the
   * options say so, cut at the depth): each query's metrics in the split's order; a query the run
   * has no line for scores 0, as with {@code trec_eval -c}.
   */
  public List<BeirMetrics> score(EvalSplit split, TrecRun run) {
    List<BeirMetrics> perQuery = new ArrayList<>(split.queries().size());
    for (Query q : split.queries()) {
      List<ScoredDoc> hits = run.of(q.id()).docs();
      if (options.dropSelfHits()) {
        hits = hits.stream().filter(h -> !h.docId().equals(q.id())).toList();
      }
      perQuery.add(BeirMetrics.of(Ranking.of(hits).top(options.depth()), Judgments.of(split.qrels().of(q.id()))));
    }
    return perQuery;
  }

  private record Outcome(Ranking ranking, BeirMetrics metrics, long nanos, boolean outOfOrder) {}

  /** A mode's result with each query's metrics, in the split's query order (for paired comparisons). */
  public record Detailed(ModeResult result, List<BeirMetrics> perQuery) {
    public Detailed {
      perQuery = List.copyOf(perQuery);
    }
  }

  /** Evaluates one mode, keeping each query's metrics beside their means. */
  public Detailed runDetailed(String datasetName, EvalSplit split, EvalMode mode) {
    return runDetailed(datasetName, split, List.of(mode)).getFirst();
  }

  private Detailed runMode(String datasetName, EvalSplit split, EvalMode mode) {
    List<Query> queries = split.queries();
    List<Outcome> outcomes = new ArrayList<>(queries.size());
    try (ExecutorService pool =
        Executors.newFixedThreadPool(
            options.parallelism(), Thread.ofPlatform().name("quarry-eval-" + mode.name() + "-", 1).daemon(true).factory())) {
      List<Future<Outcome>> futures = new ArrayList<>(queries.size());
      for (Query q : queries) {
        futures.add(pool.submit(() -> evaluate(mode, q, Judgments.of(split.qrels().of(q.id())))));
      }
      for (int i = 0; i < futures.size(); i++) {
        try {
          outcomes.add(futures.get(i).get());
        } catch (ExecutionException e) {
          pool.shutdownNow();
          if (e.getCause() instanceof EvalRunException failure) {
            throw failure;
          }
          throw new EvalRunException(mode.name(), queries.get(i).id(), String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
          pool.shutdownNow();
          Thread.currentThread().interrupt();
          throw new EvalRunException(mode.name(), queries.get(i).id(), "interrupted", e);
        }
      }
    }
    options.runDirectory().ifPresent(dir -> writeRun(dir, datasetName, split, mode, outcomes));
    long[] nanos = outcomes.stream().mapToLong(Outcome::nanos).toArray();
    List<BeirMetrics> perQuery = outcomes.stream().map(Outcome::metrics).toList();
    return new Detailed(new ModeResult(
        mode.name(),
        queries.size(),
        BeirMetrics.mean(perQuery),
        Latency.ofNanos(nanos),
        (int) outcomes.stream().filter(Outcome::outOfOrder).count()), perQuery);
  }

  private Outcome evaluate(EvalMode mode, Query query, Judgments judgments) {
    int ask = options.depth() + (options.dropSelfHits() ? 1 : 0);
    long start = nanoClock.getAsLong();
    List<ScoredDoc> hits;
    try {
      hits = mode.search().search(query.id(), query.text(), ask);
    } catch (RuntimeException e) {
      throw new EvalRunException(mode.name(), query.id(), String.valueOf(e), e);
    }
    long nanos = Math.max(0, nanoClock.getAsLong() - start);
    if (hits == null) {
      throw new EvalRunException(mode.name(), query.id(), "search returned null", null);
    }
    if (options.dropSelfHits()) {
      hits = hits.stream().filter(h -> !h.docId().equals(query.id())).toList();
    }
    boolean outOfOrder = false;
    for (int i = 1; i < hits.size() && !outOfOrder; i++) {
      outOfOrder = hits.get(i).score() > hits.get(i - 1).score();
    }
    Ranking ranking;
    try {
      ranking = Ranking.of(hits).top(options.depth());
    } catch (IllegalArgumentException e) {
      throw new EvalRunException(mode.name(), query.id(), e.getMessage(), e);
    }
    return new Outcome(
        options.runDirectory().isPresent() ? ranking : Ranking.empty(),
        BeirMetrics.of(ranking, judgments),
        nanos,
        outOfOrder);
  }

  private void writeRun(Path dir, String datasetName, EvalSplit split, EvalMode mode, List<Outcome> outcomes) {
    Map<String, Ranking> rankings = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      rankings.put(split.queries().get(i).id(), outcomes.get(i).ranking());
    }
    new TrecRunWriter(mode.name(), options.depth()).write(runFile(dir, datasetName, split.name(), mode.name()), new TrecRun(rankings));
  }

  /** Where a mode's run file goes: {@code <dir>/<dataset>-<split>-<mode>.trec}. */
  public static Path runFile(Path dir, String datasetName, String split, String mode) {
    String safe = (datasetName + "-" + split + "-" + mode).replaceAll("[^A-Za-z0-9._-]", "_");
    return dir.resolve(safe + ".trec");
  }
}

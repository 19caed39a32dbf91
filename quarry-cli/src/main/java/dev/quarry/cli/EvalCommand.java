package dev.quarry.cli;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.VectorFeedback;
import dev.quarry.engine.Collection;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.eval.EvalMode;
import dev.quarry.eval.EvalOptions;
import dev.quarry.eval.EvalRunner;
import dev.quarry.eval.compare.BaselineComparison;
import dev.quarry.eval.compare.PairedComparison;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.eval.gate.Expectations;
import dev.quarry.eval.gate.Gate;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.report.EvalReportJson;
import dev.quarry.eval.report.ReportTable;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunReader;
import dev.quarry.server.evaluation.RankingConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", description = {
    "Measure retrieval quality on a BEIR dataset (nDCG@10, MRR@10, Recall@100, P@10, MAP@100).",
    "Ingests the corpus (reusing the index when nothing changed), runs every query of a split",
    "and computes each metric with trec_eval's definitions; --baseline adds per-query wins and losses",
    "and a paired randomisation test against one configuration (or --baseline-run, a stored run)."})
final class EvalCommand implements Callable<Integer> {

  static final int DEFAULT_RERANK_DEPTH = 50;

  static final double DEFAULT_RERANK_WEIGHT = 0.5;

  enum ModeChoice { LEXICAL, VECTOR, HYBRID, ALL }

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "BEIR dataset directory (corpus.jsonl, queries.jsonl, qrels/).")
  Path dataset;

  @Option(names = "--split", defaultValue = "test", description = "Qrels split (default test).")
  String split;

  @Option(names = "--mode", defaultValue = "all", description = "lexical, vector, hybrid or all (default).")
  ModeChoice mode;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
  Path jsonFile;

  @Option(names = "--run", paramLabel = "FILE",
      description = "Write a TREC run file (each query's ranking); with several modes, FILE gets a .<mode> suffix.")
  Path runFile;

  @Option(names = "--collection", paramLabel = "NAME", description = "Collection to index into (default beir-<dataset>).")
  String collection;

  @Option(names = "--drop-self-hits", description = "Drop a hit whose id equals the query id (for datasets whose queries are corpus documents).")
  boolean dropSelfHits;

  @Option(names = "--fusion", split = ",", paramLabel = "METHOD",
      description = "Hybrid fusion: weighted, rrf, dbsf or learned (the collection's model, fitted by quarry tune); "
          + "a comma-separated list evaluates each (default: Quarry's default).")
  List<FusionMethod> fusions = new ArrayList<>();

  @Option(names = "--vector-weight", split = ",", paramLabel = "W",
      description = "Vector share in hybrid fusion, 0..1; a comma-separated list evaluates each (default: Quarry's default).")
  List<Double> vectorWeights = new ArrayList<>();

  @Option(names = "--complete", split = ",", paramLabel = "on|off",
      description = "Score completion in weighted and dbsf fusion: a candidate one retriever missed gets its real "
          + "score there instead of the list's floor; 'on,off' evaluates both (default: off).")
  List<String> complete = new ArrayList<>();

  @Option(names = "--feedback", split = ",", paramLabel = "off|DOCS:WEIGHT",
      description = "Vector pseudo-relevance feedback in vector and hybrid modes: the first pass's best DOCS results' "
          + "vectors refine the query vector (q' = normalize(q + WEIGHT * their mean)) for a second vector search; "
          + "a comma-separated list evaluates each, e.g. off,5:1.0 (default: off).")
  List<String> feedback = new ArrayList<>();

  @Option(names = "--candidates", paramLabel = "N", defaultValue = "" + SearchRequest.DEFAULT_CANDIDATES,
      description = "Chunks each retriever fetches before fusion (default ${DEFAULT-VALUE}, as the server's search); "
          + "each query ranks max(N, 100) documents.")
  int candidates;

  @Option(names = "--rerank", paramLabel = "NAME",
      description = "Re-rank each mode's best candidates with this re-ranker (an embedding model id, e.g. e5-small-v2-q).")
  String rerank;

  @Option(names = "--rerank-depth", split = ",", paramLabel = "N",
      description = "Candidates the re-ranker re-scores; a comma-separated list evaluates each (default "
          + DEFAULT_RERANK_DEPTH + ").")
  List<Integer> rerankDepths = new ArrayList<>();

  @Option(names = "--rerank-weight", split = ",", paramLabel = "W",
      description = "Re-ranker's share of the blended score, 0..1; a comma-separated list evaluates each (default "
          + DEFAULT_RERANK_WEIGHT + ").")
  List<Double> rerankWeights = new ArrayList<>();

  @Option(names = "--gate", paramLabel = "FILE",
      description = "Release gate: check the results against the metrics pinned in FILE (YAML, see docs/evaluation.md); "
          + "exit " + ExitCodes.GATE_FAILED + " with a table of what moved when a metric drops beyond its tolerance.")
  Path gateFile;

  @Option(names = "--baseline", paramLabel = "NAME",
      description = "Compare every other configuration with this one (a name the table prints, e.g. hybrid): the "
          + "nDCG@10 difference, the queries won, lost and tied, and the two-sided p-value of a paired randomisation "
          + "test (" + PairedComparison.DEFAULT_TRIALS + " seeded permutations, as an evaluation job).")
  String baseline;

  @Option(names = "--baseline-run", paramLabel = "FILE",
      description = "Compare every configuration, as --baseline does, with a TREC run file (e.g. one an earlier "
          + "quarry eval --run wrote), scored on the same split by the same code.")
  Path baselineRun;

  @Mixin DataDirOption data;
  @Mixin CollectionOptions settings;

  /** A configuration to evaluate, under the label the table prints. */
  private record Planned(String label, RankingConfiguration configuration) {}

  @Override
  public Integer call() throws IOException {
    BeirDataset ds = BeirDataset.open(dataset);
    Optional<Expectations> gate = Optional.ofNullable(gateFile).map(Expectations::read); // a bad file fails first
    List<Planned> planned = plan();
    int depth = planned.stream().mapToInt(p -> p.configuration().evalDepth()).max().orElseThrow();
    EvalOptions options = EvalOptions.defaults().withDepth(depth).withDropSelfHits(dropSelfHits);
    EvalSplit evalSplit = ds.split(split);
    List<String> queryIds = evalSplit.queries().stream().map(Query::id).toList();
    // a bad baseline fails before the corpus is ingested
    checkBaseline(planned.stream().map(Planned::label).toList());
    Optional<List<BeirMetrics>> storedBaseline = Optional.ofNullable(baselineRun).map(f -> scoreRun(f, evalSplit, options));
    String name = collection != null ? collection
        : ("beir-" + ds.name().toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9_-]", "-");
    try (DataDirOption.Session session = data.tryOpenForWriting().orElseGet(data::openForReading)) {
      Quarry quarry = session.quarry();
      Collection c;
      if (session.writable()) {
        c = quarry.openOrCreate(name, settings.requested());
        ProgressListener progress = TerminalProgress.forTerminal(false);
        IngestReport ingest = c.ingest(quarry.files(ds.corpus()), progress);
        TerminalProgress.finish(progress);
        System.err.printf(Locale.ROOT, "%s: %,d documents (%,d indexed, %,d unchanged, %,d skipped), %,d chunks in %.1f s%n",
            name, ingest.documents(), ingest.indexed(), ingest.unchanged(), ingest.rejected().size(),
            c.stats().chunks(), ingest.elapsed().toNanos() / 1e9);
      } else {
        // A server holds the data directory: evaluate the collection as it is, without ingesting.
        if (quarry.find(name).isEmpty()) {
          throw new ConflictException("collection '" + name + "' does not exist, and data directory " + data.dataDir
              + " is in use by a running Quarry server, so eval cannot ingest " + dataset + " into it; stop the "
              + "server, or evaluate an existing collection (--collection)");
        }
        c = quarry.get(name);
        settings.requested().ifPresent(r -> quarry.openOrCreate(name, Optional.of(r))); // settings must match
        System.err.printf(Locale.ROOT, "%s: %,d documents, %,d chunks, as indexed (a server holds %s: not re-ingested)%n",
            name, c.stats().documents(), c.stats().chunks(), data.dataDir);
      }

      List<EvalMode> modes = new ArrayList<>();
      List<String> fingerprints = new ArrayList<>();
      for (Planned p : planned) {
        // the configuration a server search of the same settings runs, through the same searcher
        modes.add(new EvalMode(p.label(), p.configuration().over(c)));
        fingerprints.add(p.label() + " " + p.configuration().fingerprint(c));
      }
      Path runDir = runFile == null ? null : Files.createTempDirectory("quarry-runs");
      List<EvalRunner.Detailed> results = EvalRunner.create(runDir == null ? options : options.withRunDirectory(runDir))
          .runDetailed(ds.name(), evalSplit, modes);
      EvalReport report = new EvalReport(ds.name(), evalSplit.name(), results.stream().map(EvalRunner.Detailed::result).toList());
      Optional<BaselineComparison> comparison = compare(results, queryIds, storedBaseline);
      System.out.println(comparison.map(vs -> ReportTable.format(report, vs)).orElseGet(() -> ReportTable.format(report)));
      System.out.println("fingerprints: " + String.join(", ", fingerprints));
      if (jsonFile != null) {
        Files.writeString(jsonFile,
            comparison.map(vs -> EvalReportJson.write(report, vs)).orElseGet(() -> EvalReportJson.write(report)));
      }
      if (runDir != null) {
        moveRuns(runDir, ds.name(), modes);
      }
      if (gate.isPresent()) {
        Gate.Result result = Gate.check(report, gate.get());
        System.out.println();
        System.out.print(result.table());
        if (!result.passed()) {
          System.err.println("quarry: gate failed: " + result.moved().stream().filter(r -> r.verdict() != Gate.Verdict.ROSE)
              .map(r -> r.pin().mode() + " " + r.pin().metric() + " " + r.verdict().name().toLowerCase(Locale.ROOT))
              .toList());
          return ExitCodes.GATE_FAILED;
        }
      }
    }
    return 0;
  }

  /** Every configuration the options select, labelled as the table prints it. */
  private List<Planned> plan() {
    List<Planned> planned = new ArrayList<>();
    for (SearchMode m : selected()) {
      List<Fusion> variants = m == SearchMode.HYBRID ? fusionVariants() : List.of(SearchRequest.DEFAULT_FUSION);
      List<Optional<VectorFeedback>> feedbacks = m == SearchMode.LEXICAL ? List.of(Optional.empty()) : feedbackVariants();
      for (Fusion f : variants) {
        for (Optional<Rerank> r : rerankVariants()) {
          for (Optional<VectorFeedback> fb : feedbacks) {
            String label = m.name().toLowerCase(Locale.ROOT) + (variants.size() <= 1 ? ""
                : f.method() == FusionMethod.LEARNED ? "-learned"
                : String.format(Locale.ROOT, "-%s-w%.2f", f.method().name().toLowerCase(Locale.ROOT), f.vectorWeight())
                    + (f.complete() ? "-complete" : ""))
                + r.map(x -> String.format(Locale.ROOT, "-rerank-%s-d%d-w%.2f", x.reranker(), x.depth(), x.weight())).orElse("")
                + fb.map(x -> String.format(Locale.ROOT, "-feedback-d%d-w%.2f", x.docs(), x.weight())).orElse("");
            planned.add(new Planned(label, new RankingConfiguration(m, f, candidates, r, fb)));
          }
        }
      }
    }
    return planned;
  }

  /** Checks --baseline against the configurations to evaluate, and that --baseline-run is not given too. */
  private void checkBaseline(List<String> labels) {
    if (baseline != null && baselineRun != null) {
      throw new InvalidInputException("--baseline and --baseline-run exclude each other: compare with one of this "
          + "run's configurations or with a stored run, not both");
    }
    if (baseline != null && !labels.contains(baseline)) {
      throw new InvalidInputException("--baseline '" + baseline + "' is not a configuration of this evaluation; "
          + "its configurations are: " + String.join(", ", labels));
    }
    if (baseline != null && labels.size() == 1) {
      throw new InvalidInputException("--baseline '" + baseline + "' is the only configuration of this evaluation, "
          + "so there is nothing to compare with it; evaluate more (--mode all, --fusion, --vector-weight, --complete, "
          + "--rerank-depth, --rerank-weight) or compare with a stored run (--baseline-run)");
    }
  }

  /** The per-query metrics of a stored run on the split, scored as the configurations are. */
  private static List<BeirMetrics> scoreRun(Path file, EvalSplit evalSplit, EvalOptions options) {
    TrecRun run = TrecRunReader.read(file);
    long ranked = evalSplit.queries().stream().filter(q -> run.rankings().containsKey(q.id())).count();
    if (ranked == 0) {
      throw new InvalidInputException("--baseline-run " + file + " ranks none of the " + evalSplit.queries().size()
          + " queries of split '" + evalSplit.name() + "' (a run of another dataset or split?)");
    }
    if (ranked < evalSplit.queries().size()) {
      System.err.printf(Locale.ROOT, "%s ranks %,d of the split's %,d queries; the others score 0 in it%n",
          file, ranked, evalSplit.queries().size());
    }
    return EvalRunner.create(options).score(evalSplit, run);
  }

  /** The configurations against the baseline the options name, if any. */
  private Optional<BaselineComparison> compare(List<EvalRunner.Detailed> results, List<String> queryIds,
      Optional<List<BeirMetrics>> storedBaseline) {
    if (baseline == null && storedBaseline.isEmpty()) {
      return Optional.empty();
    }
    Map<String, List<BeirMetrics>> perQuery = new LinkedHashMap<>();
    results.forEach(r -> perQuery.put(r.result().mode(), r.perQuery()));
    return Optional.of(storedBaseline.isPresent()
        ? BaselineComparison.of("run:" + baselineRun, queryIds, storedBaseline.get(), perQuery,
            PairedComparison.DEFAULT_TRIALS)
        : BaselineComparison.of(baseline, queryIds, perQuery.get(baseline), perQuery, PairedComparison.DEFAULT_TRIALS));
  }

  /** Every combination of the given fusion methods and weights; Quarry's default when none is given. */
  private List<Fusion> fusionVariants() {
    Fusion d = SearchRequest.DEFAULT_FUSION;
    List<FusionMethod> methods = fusions.isEmpty() ? List.of(d.method()) : fusions;
    List<Double> weights = vectorWeights.isEmpty() ? List.of(d.vectorWeight()) : vectorWeights;
    List<Fusion> out = new ArrayList<>();
    for (FusionMethod method : methods) {
      for (double w : method == FusionMethod.LEARNED ? List.of(0.5) : weights) {
        for (boolean on : completions()) {
          if (!on || method == FusionMethod.WEIGHTED || method == FusionMethod.DBSF) {
            out.add(new Fusion(method, w, d.rankConstant()).withComplete(on));
          }
        }
      }
    }
    return out;
  }

  /** The --complete settings, in the order given; off when none is given. */
  private List<Boolean> completions() {
    if (complete.isEmpty()) {
      return List.of(false);
    }
    List<Boolean> out = new ArrayList<>();
    for (String v : complete) {
      switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "on" -> out.add(true);
        case "off" -> out.add(false);
        default -> throw new InvalidInputException(
            "--complete takes on, off or on,off; got: " + v);
      }
    }
    return out;
  }

  /** The --feedback settings, in the order given; off when none is given. */
  private List<Optional<VectorFeedback>> feedbackVariants() {
    if (feedback.isEmpty()) {
      return List.of(Optional.empty());
    }
    List<Optional<VectorFeedback>> out = new ArrayList<>();
    for (String v : feedback) {
      out.add(FeedbackOption.parse("--feedback", v));
    }
    return out;
  }

  /** No re-ranking, or one variant per re-rank depth and weight. */
  private List<Optional<Rerank>> rerankVariants() {
    if (rerank == null) {
      return List.of(Optional.empty());
    }
    List<Double> weights = rerankWeights.isEmpty() ? List.of(DEFAULT_RERANK_WEIGHT) : rerankWeights;
    List<Integer> depths = rerankDepths.isEmpty() ? List.of(DEFAULT_RERANK_DEPTH) : rerankDepths;
    List<Optional<Rerank>> out = new ArrayList<>();
    for (int d : depths) {
      for (double w : weights) {
        out.add(Optional.of(new Rerank(rerank, d, w)));
      }
    }
    return out;
  }

  private List<SearchMode> selected() {
    return switch (mode) {
      case LEXICAL -> List.of(SearchMode.LEXICAL);
      case VECTOR -> List.of(SearchMode.VECTOR);
      case HYBRID -> List.of(SearchMode.HYBRID);
      case ALL -> List.of(SearchMode.LEXICAL, SearchMode.VECTOR, SearchMode.HYBRID);
    };
  }

  private void moveRuns(Path runDir, String datasetName, List<EvalMode> modes) {
    try {
      for (EvalMode m : modes) {
        Path from = EvalRunner.runFile(runDir, datasetName, split, m.name());
        Path to = modes.size() == 1 ? runFile : runFile.resolveSibling(runFile.getFileName() + "." + m.name());
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.deleteIfExists(runDir);
    } catch (IOException e) {
      throw new StorageException("cannot write run file " + runFile + ": " + e.getMessage(), e);
    }
  }
}

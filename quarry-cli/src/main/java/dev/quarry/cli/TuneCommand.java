package dev.quarry.cli;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionModel;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.Collection;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.search.Searcher;
import dev.quarry.search.fusion.FusionFeatures;
import dev.quarry.search.fusion.FusionLearner;
import dev.quarry.search.fusion.Fusers;
import dev.quarry.server.evaluation.RankingConfiguration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tune", description = {
    "Fit a learned fusion to a collection from relevance judgments, with cross-validation.",
    "Ranks every judged query of a BEIR split as a hybrid search does, fits a linear model over",
    "per-candidate features (each retriever's normalised scores, ranks and confidence; with --features all",
    "also title and text term matches and length) by coordinate ascent on nDCG@10, prints its k-fold",
    "cross-validated nDCG@10 beside the default fusion's, and",
    "stores the model in the collection: searches with fusion 'learned' use it."})
final class TuneCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "BEIR dataset directory (queries.jsonl, qrels/).")
  java.nio.file.Path dataset;

  @Option(names = "--split", defaultValue = "train", description = "Qrels split to fit on (default train).")
  String split;

  @Option(names = "--collection", paramLabel = "NAME",
      description = "Collection to tune (default beir-<dataset>, as quarry eval names it); it must be indexed already.")
  String collection;

  @Option(names = "--folds", defaultValue = "5", paramLabel = "K", description = "Cross-validation folds (default 5).")
  int folds;

  @Option(names = "--candidates", paramLabel = "N", defaultValue = "" + SearchRequest.DEFAULT_CANDIDATES,
      description = "Chunks each retriever fetches (default ${DEFAULT-VALUE}, as the server's search).")
  int candidates;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the fold assignment (default 42).")
  long seed;

  @Option(names = "--features", defaultValue = "lists", paramLabel = "SET",
      description = {"Features to fit: 'lists' (default: each retriever's normalised scores, ranks and confidence)",
          "or 'all' (those and the candidate's title_match, text_match and length, which read its stored chunk;",
          "searches with such a model load every candidate's chunk)."})
  String features;

  @Option(names = "--dry-run", description = "Fit and report, but do not store the model.")
  boolean dryRun;

  @Mixin DataDirOption data;

  @Override
  public Integer call() {
    BeirDataset ds = BeirDataset.open(dataset);
    EvalSplit s = ds.split(split);
    String name = collection != null ? collection
        : ("beir-" + ds.name().toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9_-]", "-");
    if (s.queries().size() < folds || folds < 2) {
      throw new InvalidInputException("--folds must be in 2.." + s.queries().size() + " (the split's judged queries), got: "
          + folds);
    }
    List<String> chosen = featureSet(features);
    try (DataDirOption.Session session = dryRun ? data.openForReading() : data.openForWriting("tune")) {
      Collection c = session.quarry().find(name).orElseThrow(() -> new NotFoundException("collection '" + name
          + "' does not exist in " + data.dataDir + ": index the dataset first (quarry eval --dataset " + dataset
          + " --data-dir " + data.dataDir + ")"));
      int[] columns = chosen.stream().mapToInt(FusionFeatures.NAMES::indexOf).toArray();
      long start = System.nanoTime();
      Judged judged = judge(c, s, columns, chosen.size() > FusionFeatures.LIST_NAMES.size());
      double[] startWeights = new double[chosen.size()];
      Fusion d = SearchRequest.DEFAULT_FUSION;
      startWeights[chosen.indexOf("lexical_minmax")] = 1 - d.vectorWeight();
      startWeights[chosen.indexOf("vector_minmax")] = d.vectorWeight();
      FusionLearner.CrossValidation cv = FusionLearner.crossValidate(judged.queries(), judged.baseline(), startWeights,
          folds, seed);
      double[] w = FusionLearner.fit(judged.queries(), startWeights);
      double fitted = FusionLearner.meanNdcg(judged.queries(), w);
      double seconds = (System.nanoTime() - start) / 1e9;

      System.out.printf(Locale.ROOT, "%s, split %s: %d judged queries, %d-fold cross-validation (seed %d), features %s%n",
          name, split, judged.queries().size(), folds, seed, features);
      System.out.printf(Locale.ROOT, "%-28s %s%n", "nDCG@10 (held-out folds)", "mean    per fold");
      System.out.printf(Locale.ROOT, "%-28s %.4f  %s%n", "lexical", judged.lexical(), "");
      System.out.printf(Locale.ROOT, "%-28s %.4f  %s%n", "vector", judged.vector(), "");
      System.out.printf(Locale.ROOT, "%-28s %.4f  %s%n", "default (" + describe(d) + ")", cv.meanBaseline(), folds(cv.baseline()));
      System.out.printf(Locale.ROOT, "%-28s %.4f  %s%n", "learned", cv.meanLearned(), folds(cv.learned()));
      System.out.printf(Locale.ROOT, "fitted on all %d queries: nDCG@10 %.4f (in-sample); %.1f s%n",
          judged.queries().size(), fitted, seconds);
      List<String> names = new ArrayList<>();
      List<Double> weights = new ArrayList<>();
      for (int i = 0; i < w.length; i++) {
        if (w[i] != 0) {
          names.add(chosen.get(i));
          weights.add(w[i]);
        }
      }
      FusionModel model = new FusionModel(names, weights, FusionFeatures.DEFAULT_WINDOW, judged.fingerprint());
      for (int i = 0; i < names.size(); i++) {
        System.out.printf(Locale.ROOT, "  %-24s %+.4f%n", names.get(i), weights.get(i));
      }
      if (dryRun) {
        System.out.println("model " + model.fingerprint() + " not stored (--dry-run)");
        return 0;
      }
      Map<String, Object> how = new LinkedHashMap<>();
      how.put("dataset", ds.name());
      how.put("split", split);
      how.put("queries", judged.queries().size());
      how.put("candidates", candidates);
      how.put("folds", folds);
      how.put("feature_set", features);
      how.put("seed", seed);
      how.put("cv_ndcg@10", round(cv.meanLearned()));
      how.put("cv_default_ndcg@10", round(cv.meanBaseline()));
      how.put("fitted_at", java.time.Instant.now().toString());
      c.storeFusionModel(model, how);
      System.out.println("model " + model.fingerprint() + " (judgments " + judged.fingerprint().substring(0, 16)
          + ") stored in collection '" + name + "': searches with fusion 'learned' use it");
    }
    return 0;
  }

  /** The features of {@code --features}: {@code lists} or {@code all}. */
  static List<String> featureSet(String set) {
    return switch (set) {
      case "lists" -> FusionFeatures.LIST_NAMES;
      case "all" -> FusionFeatures.NAMES;
      default -> throw new InvalidInputException("--features must be 'lists' or 'all', got: '" + set + "'");
    };
  }

  /** The judged queries' candidates and features, and the single modes' and default's nDCG@10. */
  private record Judged(List<FusionLearner.Query> queries, double[] baseline, double lexical, double vector,
      String fingerprint) {}

  /**
   * Ranks each judged query as a served hybrid search would (the collection's own retrieval and
   * grouping, {@link Collection#fusionInput}), so the features fitted on are the ones a search with
   * the fitted model computes; keeps the {@code columns} of {@link FusionFeatures#NAMES} chosen.
   */
  private Judged judge(Collection c, EvalSplit s, int[] columns, boolean withText) {
    RankingConfiguration hybrid = new RankingConfiguration(SearchMode.HYBRID, SearchRequest.DEFAULT_FUSION, candidates,
        Optional.empty());
    var defaultFuser = Fusers.of(SearchRequest.DEFAULT_FUSION);
    List<FusionLearner.Query> out = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    double lexSum = 0;
    double vecSum = 0;
    for (Query q : s.queries()) {
      Map<String, Integer> grades = s.qrels().of(q.id());
      SearchRequest request = hybrid.request(q.text(), hybrid.evalDepth(), 0, Optional.empty(), false);
      Searcher.FusionInput input = c.fusionInput(request, withText);
      List<RankedList> lists = input.lists();
      FusionFeatures.Candidates cand = input.texts()
          .map(t -> FusionFeatures.of(lists, FusionFeatures.DEFAULT_WINDOW, t))
          .orElseGet(() -> FusionFeatures.of(lists, FusionFeatures.DEFAULT_WINDOW));
      int n = cand.items().size();
      double[] gains = new double[n];
      String[] ids = new String[n];
      double[][] x = new double[n][columns.length];
      for (int i = 0; i < n; i++) {
        ids[i] = cand.items().get(i).documentId();
        gains[i] = Math.max(0, grades.getOrDefault(ids[i], 0));
        for (int j = 0; j < columns.length; j++) {
          x[i][j] = cand.features()[i][columns[j]];
        }
      }
      double ideal = FusionLearner.idealDcg(grades.values().stream().mapToInt(Integer::intValue).toArray());
      out.add(new FusionLearner.Query(x, gains, ids, ideal));
      baseline.add(ndcg(defaultFuser.fuse(lists, request.candidates()), grades, ideal));
      lexSum += ndcg(single(list(lists, Fusers.LEXICAL)), grades, ideal);
      vecSum += ndcg(single(list(lists, Fusers.VECTOR)), grades, ideal);
    }
    int m = s.queries().size();
    return new Judged(out, baseline.stream().mapToDouble(Double::doubleValue).toArray(), lexSum / m, vecSum / m,
        fingerprint(s));
  }

  private static RankedList list(List<RankedList> lists, String retriever) {
    return lists.stream().filter(l -> l.retriever().equals(retriever)).findFirst()
        .orElse(new RankedList(retriever, List.of(), 0));
  }

  /** One retriever's list as that mode ranks it: score descending, ties by document id descending. */
  private static List<FusedResult> single(RankedList list) {
    return list.items().stream()
        .sorted(Comparator.comparingDouble(ScoredChunkRef::score).reversed()
            .thenComparing(ScoredChunkRef::documentId, Comparator.reverseOrder()))
        .map(i -> new FusedResult(i.chunkId(), i.documentId(), i.score(), List.of())).toList();
  }

  private static double ndcg(List<FusedResult> ranked, Map<String, Integer> grades, double ideal) {
    if (ideal <= 0) {
      return 0;
    }
    double dcg = 0;
    for (int r = 0; r < ranked.size() && r < 10; r++) {
      int g = grades.getOrDefault(ranked.get(r).documentId(), 0);
      if (g > 0) {
        dcg += g / (Math.log(r + 2) / Math.log(2));
      }
    }
    return dcg / ideal;
  }

  /** SHA-256 over the split's judged queries (id and text) and their judgments, in id order. */
  static String fingerprint(EvalSplit s) {
    StringBuilder text = new StringBuilder();
    Map<String, String> queries = new TreeMap<>();
    s.queries().forEach(q -> queries.put(q.id(), q.text()));
    queries.forEach((id, t) -> {
      text.append("q\t").append(id).append('\t').append(t).append('\n');
      new TreeMap<>(s.qrels().of(id)).forEach((doc, g) -> text.append("j\t").append(id).append('\t').append(doc)
          .append('\t').append(g).append('\n'));
    });
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String describe(Fusion f) {
    return f.method().name().toLowerCase(Locale.ROOT) + " " + f.vectorWeight();
  }

  private static String folds(double[] values) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      b.append(String.format(Locale.ROOT, "%.4f ", v));
    }
    return b.toString().strip();
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}

package dev.quarry.bench;

import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Judgments;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunReader;
import dev.quarry.search.fusion.ListWeights;
import dev.quarry.search.fusion.NormalizedScoreFusion;
import dev.quarry.search.fusion.ReciprocalRankFusion;
import dev.quarry.search.fusion.ScoreNormalization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fusion study: {@code ./quarry bench fusion-study --dataset DIR --split S --runs PREFIX} reads the
 * lexical and vector run files that {@code quarry eval --mode all --run PREFIX} wrote ({@code
 * PREFIX.lexical}, {@code PREFIX.vector}: document-level lists, the exact inputs of hybrid fusion)
 * and scores a grid of fusion settings on them with the real fusers, without searching again.
 * Prints one tab-separated line per setting: name, nDCG@10, Recall@100, MRR@10.
 */
final class FusionStudy {

  private FusionStudy() {}

  static void run(String[] args) {
    Path dataset = null;
    String split = "train";
    Path runs = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dataset" -> dataset = Path.of(args[i + 1]);
        case "--split" -> split = args[i + 1];
        case "--runs" -> runs = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dataset == null || runs == null) {
      throw new IllegalArgumentException("usage: fusion-study --dataset DIR --split S --runs PREFIX");
    }
    EvalSplit s = BeirDataset.open(dataset).split(split);
    TrecRun lexical = TrecRunReader.read(Path.of(runs + ".lexical"));
    TrecRun vector = TrecRunReader.read(Path.of(runs + ".vector"));
    List<List<RankedList>> inputs = new ArrayList<>();
    List<Judgments> judgments = new ArrayList<>();
    for (Query q : s.queries()) {
      inputs.add(List.of(list("lexical", lexical.of(q.id())), list("vector", vector.of(q.id()))));
      judgments.add(Judgments.of(s.qrels().of(q.id())));
    }
    Map<String, Fuser> grid = new LinkedHashMap<>();
    grid.put("lexical", (lists, k) -> single(lists.get(0)));
    grid.put("vector", (lists, k) -> single(lists.get(1)));
    grid.put("classic weighted w=0.60", new dev.quarry.search.fusion.WeightedScoreFusion(weightsOf(0.6)));
    if (System.getenv("STUDY_CLASSIC_ONLY") != null) {
      grid.keySet().retainAll(java.util.Set.of("classic weighted w=0.60"));
      grid.put("minmax w=0.60", new NormalizedScoreFusion(ScoreNormalization.MIN_MAX, weightsOf(0.6), 1000, 0));
    }
    double[] weights = {0.4, 0.5, 0.6, 0.7, 0.8};
    for (double w : System.getenv("STUDY_CLASSIC_ONLY") != null ? new double[0] : weights) {
      grid.put(String.format(Locale.ROOT, "classic weighted w=%.2f", w),
          new dev.quarry.search.fusion.WeightedScoreFusion(weightsOf(w)));
    }
    for (double w : System.getenv("STUDY_CLASSIC_ONLY") != null ? new double[0] : new double[] {0.4, 0.5, 0.6, 0.7}) {
      grid.put(String.format(Locale.ROOT, "rrf k=60 w=%.2f", w),
          new ReciprocalRankFusion(60, new ListWeights(Map.of("lexical", 2 * (1 - w), "vector", 2 * w), 1.0)));
    }
    for (ScoreNormalization norm : System.getenv("STUDY_CLASSIC_ONLY") != null ? new ScoreNormalization[0] : ScoreNormalization.values()) {
      for (int window : new int[] {1000, 100}) {
        for (double a : window == 1000 ? new double[] {0} : new double[] {0, 0.5, 1, 2}) {
          for (double w : weights) {
            grid.put(String.format(Locale.ROOT, "%s win=%d a=%.1f w=%.2f", norm, window, a, w),
                new NormalizedScoreFusion(norm, weightsOf(w), window, a));
          }
        }
      }
    }
    grid.forEach((name, fuser) -> {
      List<BeirMetrics> per = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        List<FusedResult> fused = fuser.fuse(inputs.get(i), BeirMetrics.MAX_CUTOFF);
        List<ScoredDoc> docs = fused.stream().map(r -> new ScoredDoc(r.documentId(), r.score())).toList();
        per.add(BeirMetrics.of(Ranking.of(docs), judgments.get(i)));
      }
      BeirMetrics m = BeirMetrics.mean(per);
      System.out.printf(Locale.ROOT, "%s\t%.4f\t%.4f\t%.4f%n", name, m.ndcgAt10(), m.recallAt100(), m.mrrAt10());
    });
  }

  private static ListWeights weightsOf(double vector) {
    return new ListWeights(Map.of("lexical", 1 - vector, "vector", vector), 1.0);
  }

  private static RankedList list(String name, Ranking ranking) {
    List<ScoredChunkRef> items = new ArrayList<>(ranking.size());
    for (int i = 0; i < ranking.size(); i++) {
      ScoredDoc d = ranking.get(i);
      items.add(new ScoredChunkRef(d.docId(), d.docId(), (float) d.score()));
    }
    return new RankedList(name, items, 0);
  }

  private static List<FusedResult> single(RankedList list) {
    List<FusedResult> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      ScoredChunkRef item = list.items().get(i);
      out.add(new FusedResult(item.chunkId(), item.documentId(), item.score(), List.of()));
    }
    return out;
  }
}

package dev.quarry.bench;

import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Query;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Judgments;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Re-rank blend study: {@code ./quarry bench rerank-study --dataset DIR --split S --runs PREFIX
 * --second FILE} reads the lexical, vector and hybrid run files {@code quarry eval --mode all --run
 * PREFIX} wrote, and the run of a hybrid search re-ranked at weight 1 ({@code quarry eval --rerank
 * MODEL --rerank-weight 1 --run FILE}: its head, the re-scored documents, carries the second model's
 * min-max normalised score, the tail scores below 0). It then scores, without searching again:
 *
 * <ul>
 *   <li>{@code blend w}: Quarry's blend, {@code (1 - w) * mm(fused) + w * mm(second)} over the head
 *       (the same as {@code quarry eval --rerank-weight w}; a check of the study);
 *   <li>{@code three-way c v}: the head re-fused from the three retrievers' own scores, each min-max
 *       normalised over the head: {@code (1 - c) * ((1 - v) * mm(lexical) + v * mm(vector)) + c *
 *       mm(second)} (a document a retriever did not return counts as its lowest).
 * </ul>
 *
 * The tail keeps the hybrid order. One tab-separated line per setting: name, nDCG@10, Recall@100, MRR@10.
 */
final class RerankStudy {

  private RerankStudy() {}

  static void run(String[] args) {
    Path dataset = null;
    String split = "train";
    Path runs = null;
    Path second = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dataset" -> dataset = Path.of(args[i + 1]);
        case "--split" -> split = args[i + 1];
        case "--runs" -> runs = Path.of(args[i + 1]);
        case "--second" -> second = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dataset == null || runs == null || second == null) {
      throw new IllegalArgumentException("usage: rerank-study --dataset DIR --split S --runs PREFIX --second FILE");
    }
    EvalSplit s = BeirDataset.open(dataset).split(split);
    TrecRun lexical = TrecRunReader.read(Path.of(runs + ".lexical"));
    TrecRun vector = TrecRunReader.read(Path.of(runs + ".vector"));
    TrecRun hybrid = TrecRunReader.read(Path.of(runs + ".hybrid"));
    TrecRun rescored = TrecRunReader.read(second);
    List<PerQuery> queries = new ArrayList<>();
    for (Query q : s.queries()) {
      queries.add(new PerQuery(scores(lexical.of(q.id())), scores(vector.of(q.id())), hybrid.of(q.id()),
          scores(rescored.of(q.id())), Judgments.of(s.qrels().of(q.id()))));
    }
    print("hybrid (no re-ranking)", queries, p -> p.hybrid);
    for (double w : new double[] {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0}) {
      print(String.format(Locale.ROOT, "blend w=%.2f", w), queries, p -> p.rank((lex, vec, fused, sec) -> (1 - w) * fused + w * sec));
    }
    for (double c : new double[] {0.3, 0.4, 0.5, 0.6, 0.7}) {
      for (double v : new double[] {0.4, 0.5, 0.6, 0.7, 0.8}) {
        print(String.format(Locale.ROOT, "three-way c=%.2f v=%.2f", c, v), queries,
            p -> p.rank((lex, vec, fused, sec) -> (1 - c) * ((1 - v) * lex + v * vec) + c * sec));
      }
    }
  }

  private interface Blend {
    double score(double lexical, double vector, double fused, double second);
  }

  private static Map<String, Double> scores(Ranking r) {
    Map<String, Double> out = new HashMap<>();
    for (int i = 0; i < r.size(); i++) {
      out.put(r.get(i).docId(), r.get(i).score());
    }
    return out;
  }

  private static void print(String name, List<PerQuery> queries, java.util.function.Function<PerQuery, Ranking> ranker) {
    List<BeirMetrics> per = new ArrayList<>();
    for (PerQuery p : queries) {
      per.add(BeirMetrics.of(ranker.apply(p), p.judgments));
    }
    BeirMetrics m = BeirMetrics.mean(per);
    System.out.printf(Locale.ROOT, "%s\t%.4f\t%.4f\t%.4f%n", name, m.ndcgAt10(), m.recallAt100(), m.mrrAt10());
  }

  private record PerQuery(Map<String, Double> lexical, Map<String, Double> vector, Ranking hybrid,
      Map<String, Double> second, Judgments judgments) {

    /** The head (documents the second model scored) re-scored by {@code blend}; the tail in hybrid order below. */
    Ranking rank(Blend blend) {
      List<String> head = new ArrayList<>();
      List<String> tail = new ArrayList<>();
      for (int i = 0; i < hybrid.size(); i++) {
        String d = hybrid.get(i).docId();
        Double sec = second.get(d);
        (sec != null && sec >= 0 ? head : tail).add(d);
      }
      double[] lex = normalised(head, lexical);
      double[] vec = normalised(head, vector);
      Map<String, Double> fusedScores = new HashMap<>();
      for (int i = 0; i < hybrid.size(); i++) {
        fusedScores.put(hybrid.get(i).docId(), hybrid.get(i).score());
      }
      double[] fused = normalised(head, fusedScores);
      List<ScoredDoc> docs = new ArrayList<>();
      for (int i = 0; i < head.size(); i++) {
        docs.add(new ScoredDoc(head.get(i), blend.score(lex[i], vec[i], fused[i], second.get(head.get(i)))));
      }
      for (int i = 0; i < tail.size(); i++) {
        docs.add(new ScoredDoc(tail.get(i), -1.0 - i));
      }
      return Ranking.of(docs);
    }

    /** Min-max over the head; a document without a score counts as the lowest; a constant set maps to 1. */
    private static double[] normalised(List<String> head, Map<String, Double> scores) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (String d : head) {
        Double v = scores.get(d);
        if (v != null) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      double[] out = new double[head.size()];
      for (int i = 0; i < head.size(); i++) {
        Double v = scores.get(head.get(i));
        out[i] = v == null ? 0 : max > min ? (v - min) / (max - min) : 1.0;
      }
      return out;
    }
  }
}

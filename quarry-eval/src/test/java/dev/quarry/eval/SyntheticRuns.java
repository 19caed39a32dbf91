package dev.quarry.eval;

import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Qrels;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random runs (and graded qrels) for checking the metrics against trec_eval.
 * {@link SplittableRandom} with a fixed seed gives the same sequence on every JVM, so the files
 * written by {@link #main} are exactly what the tests evaluate in memory.
 *
 * <p>Each query's hits are generated in an "intended" order with non-increasing scores in one of
 * three styles: coarse steps (groups of four tied scores, some negative, one 0.0), fine steps
 * (1e-13 apart, distinguishable only at full precision, with some exact ties), or all tied. Tied
 * groups are in random document id order, so trec_eval's re-sorting matters. Judged documents are
 * put at random ranks (often in the top 10, sometimes past 100, sometimes not at all); some queries
 * get only a few hits and one in twenty none.
 *
 * <p>Usage: {@code SyntheticRuns OUT_DIR [SCIFACT_DIR]} writes {@code scifact-test.run},
 * {@code graded-qrels.tsv} and {@code graded.run}, and each run again as {@link TrecRunWriter}
 * writes it ({@code *.quarry.run}).
 */
final class SyntheticRuns {

  static final long SCIFACT_SEED = 20_251_126L;
  static final long GRADED_SEED = 7L;
  static final int DEPTH = 120;

  private SyntheticRuns() {}

  /** A run over the corpus for the split's queries, in split order; queries without hits are absent. */
  static Map<String, List<ScoredDoc>> run(List<String> queryIds, Qrels qrels, List<String> corpusIds, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, List<ScoredDoc>> run = new LinkedHashMap<>();
    for (String qid : queryIds) {
      int kind = r.nextInt(20);
      if (kind == 0) {
        continue;
      }
      int depth = kind == 1 ? 1 + r.nextInt(15) : DEPTH;
      Set<String> judged = qrels.of(qid).keySet();
      List<String> docs = new ArrayList<>();
      Set<String> used = new HashSet<>();
      while (docs.size() < depth) {
        String d = corpusIds.get(r.nextInt(corpusIds.size()));
        if (!judged.contains(d) && used.add(d)) {
          docs.add(d);
        }
      }
      for (String d : judged) {
        double p = r.nextDouble();
        if (p < 0.45) {
          docs.add(r.nextInt(Math.min(10, docs.size() + 1)), d);
        } else if (p < 0.8) {
          docs.add(r.nextInt(docs.size() + 1), d);
        }
      }
      while (docs.size() > depth) {
        docs.removeLast();
      }
      run.put(qid, scored(docs, r.nextInt(3), r));
    }
    return run;
  }

  private static List<ScoredDoc> scored(List<String> docs, int style, SplittableRandom r) {
    List<ScoredDoc> hits = new ArrayList<>();
    double previous = Double.NaN;
    for (int i = 0; i < docs.size(); i++) {
      double score =
          switch (style) {
            case 0 -> (Math.floor((docs.size() - i) / 4.0) - 10) * 0.5;
            case 1 -> (i > 0 && r.nextInt(6) == 0) ? previous : 10 - i * 1e-13;
            default -> 1.0;
          };
      hits.add(new ScoredDoc(docs.get(i), score));
      previous = score;
    }
    // Shuffle within groups of equal score, so ties are in no particular id order.
    int start = 0;
    for (int i = 1; i <= hits.size(); i++) {
      if (i == hits.size() || hits.get(i).score() != hits.get(start).score()) {
        for (int j = i - 1; j > start; j--) {
          int k = start + r.nextInt(j - start + 1);
          ScoredDoc t = hits.get(j);
          hits.set(j, hits.get(k));
          hits.set(k, t);
        }
        start = i;
      }
    }
    return hits;
  }

  /** 60 queries q1..q60 judging 1-15 of documents d0..d499 with grades -1..3; every tenth only -1 or 0. */
  static Qrels gradedQrels(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] grades = {-1, 0, 0, 1, 1, 1, 2, 3};
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    for (int q = 1; q <= 60; q++) {
      Map<String, Integer> judged = new LinkedHashMap<>();
      int n = 1 + r.nextInt(15);
      while (judged.size() < n) {
        int g = q % 10 == 0 ? r.nextInt(2) - 1 : grades[r.nextInt(grades.length)];
        judged.putIfAbsent("d" + r.nextInt(500), g);
      }
      qrels.put("q" + q, judged);
    }
    return new Qrels(qrels);
  }

  static List<String> gradedCorpus() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add("d" + i);
    }
    return ids;
  }

  /** Writes hits in the generated order with ranks 1..n, as a system with its own tie order would. */
  static void writeRun(Path file, Map<String, List<ScoredDoc>> run) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (var e : run.entrySet()) {
        int rank = 1;
        for (ScoredDoc d : e.getValue()) {
          out.write(e.getKey() + " Q0 " + d.docId() + " " + rank++ + " " + d.score() + " synthetic\n");
        }
      }
    }
  }

  static void writeQrels(Path file, Qrels qrels) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("query-id\tcorpus-id\tscore\n");
      for (var q : qrels.grades().entrySet()) {
        for (var d : q.getValue().entrySet()) {
          out.write(q.getKey() + "\t" + d.getKey() + "\t" + d.getValue() + "\n");
        }
      }
    }
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Path scifactDir = Path.of(args.length > 1 ? args[1] : "/work/shared/datasets/scifact");
    Files.createDirectories(out);
    BeirDataset scifact = BeirDataset.open(scifactDir);
    EvalSplit test = scifact.split("test");
    List<String> qids = test.queries().stream().map(q -> q.id()).toList();
    Map<String, List<ScoredDoc>> scifactRun = run(qids, test.qrels(), scifact.corpusIds(), SCIFACT_SEED);
    writeRun(out.resolve("scifact-test.run"), scifactRun);
    writeQuarryRun(out.resolve("scifact-test.quarry.run"), scifactRun);
    Qrels graded = gradedQrels(GRADED_SEED);
    writeQrels(out.resolve("graded-qrels.tsv"), graded);
    Map<String, List<ScoredDoc>> gradedRun = run(List.copyOf(graded.queryIds()), graded, gradedCorpus(), GRADED_SEED);
    writeRun(out.resolve("graded.run"), gradedRun);
    writeQuarryRun(out.resolve("graded.quarry.run"), gradedRun);
  }

  /** The same run as {@link TrecRunWriter} writes it (trec_eval order, ranks from 1). */
  private static void writeQuarryRun(Path file, Map<String, List<ScoredDoc>> run) {
    Map<String, Ranking> rankings = new LinkedHashMap<>();
    run.forEach((q, hits) -> rankings.put(q, Ranking.of(hits)));
    new TrecRunWriter("quarry", DEPTH).write(file, new TrecRun(rankings));
  }
}

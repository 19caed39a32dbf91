package dev.quarry.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Qrels;
import dev.quarry.eval.dataset.QrelsFile;
import dev.quarry.eval.dataset.Query;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Judgments;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunReader;
import dev.quarry.eval.run.TrecRunWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quarry's metrics against numbers produced by the real trec_eval 9 (NIST, commit f4253652) on the
 * runs {@link SyntheticRuns} generates. trec_eval is not shipped, so its output is pinned here: the
 * means below, and its per-query output ({@code -q}) as test resources. Commands, from a directory
 * holding the files {@code SyntheticRuns /tmp/te/gen} wrote:
 *
 * <pre>
 * beir-trec-eval /work/shared/datasets/scifact/qrels/test.tsv scifact-test.run
 * beir-trec-eval graded-qrels.tsv graded.run
 * # MRR@10 (recip_rank on each query's top 10 by trec_eval's order), qrels converted as beir-trec-eval does:
 * awk -F'\t' 'NR > 1 && NF >= 3 { print $1 " 0 " $2 " " $3 }' QRELS_TSV > X.qrels
 * trec_eval -c -M 10 -m recip_rank X.qrels X.run
 * # per query (resources trec_eval/X.txt and X-M10.txt):
 * trec_eval -c -q -m ndcg_cut.10 -m recall.100 -m P.10 -m map_cut.100 X.qrels X.run
 * trec_eval -c -q -M 10 -m recip_rank X.qrels X.run
 * </pre>
 *
 * trec_eval prints four decimals, so agreement means a difference of at most 0.00005.
 */
class TrecEvalAgreementTest {

  private static final Path SCIFACT = Path.of(System.getProperty(
      "quarry.scifact", System.getProperty("quarry.shared", "../../shared") + "/datasets/scifact"));

  /** beir-trec-eval on scifact test: ndcg_cut_10, recip_rank (-M 10), recall_100, P_10, map_cut_100. */
  private static final BeirMetrics SCIFACT_TREC_EVAL = new BeirMetrics(0.1831, 0.1326, 0.6903, 0.0423, 0.1301);

  /** beir-trec-eval on the graded synthetic qrels (grades -1..3), same measures. */
  private static final BeirMetrics GRADED_TREC_EVAL = new BeirMetrics(0.1786, 0.2719, 0.5202, 0.1383, 0.1296);

  private static final double FOUR_DECIMALS = 0.00005 + 1e-12;

  @TempDir Path tmp;

  @Test
  void scifactMeansAgreeWithTrecEval() {
    EvalSplit split = scifactTest();
    Map<String, BeirMetrics> perQuery = evaluate(split, scifactRun(split));
    assertEquals(300, perQuery.size());
    assertAgree(SCIFACT_TREC_EVAL, BeirMetrics.mean(List.copyOf(perQuery.values())));
  }

  @Test
  void scifactPerQueryValuesAgreeWithTrecEval() throws IOException {
    EvalSplit split = scifactTest();
    assertPerQueryAgreement("scifact-test", evaluate(split, scifactRun(split)));
  }

  @Test
  void gradedMeansAgreeWithTrecEval() throws IOException {
    EvalSplit split = gradedSplit();
    assertAgree(GRADED_TREC_EVAL, BeirMetrics.mean(List.copyOf(evaluate(split, gradedRun(split)).values())));
  }

  @Test
  void gradedPerQueryValuesAgreeWithTrecEval() throws IOException {
    EvalSplit split = gradedSplit();
    assertPerQueryAgreement("graded", evaluate(split, gradedRun(split)));
  }

  @Test
  void runFilesReadBackToTheSameMetrics() throws IOException {
    EvalSplit split = gradedSplit();
    Map<String, List<ScoredDoc>> generated = gradedRun(split);
    Map<String, BeirMetrics> expected = evaluate(split, generated);

    // As another system would write it: generated order, ties in random id order, own rank column.
    Path raw = tmp.resolve("raw.run");
    SyntheticRuns.writeRun(raw, generated);
    TrecRun fromRaw = TrecRunReader.read(raw);
    assertEquals(expected, evaluate(split, fromRaw));

    // As Quarry writes it: trec_eval's order, shortest round-trip scores.
    Path ours = tmp.resolve("ours.run");
    new TrecRunWriter("quarry", SyntheticRuns.DEPTH).write(ours, fromRaw);
    assertEquals(fromRaw, TrecRunReader.read(ours));
    assertEquals(expected, evaluate(split, TrecRunReader.read(ours)));
  }

  @Test
  void evalRunnerReproducesTrecEvalAndWritesAnEquivalentRun() throws IOException {
    EvalSplit split = gradedSplit();
    Map<String, List<ScoredDoc>> generated = gradedRun(split);
    SearchFunction fake = (queryId, text, depth) -> generated.getOrDefault(queryId, List.of());
    EvalOptions options = EvalOptions.defaults().withDepth(SyntheticRuns.DEPTH).withParallelism(2).withRunDirectory(tmp);

    EvalReport report = EvalRunner.create(options).run("graded", split, List.of(new EvalMode("fake", fake)));

    assertEquals(60, report.results().getFirst().queries());
    assertEquals(0, report.results().getFirst().outOfOrderQueries());
    assertAgree(GRADED_TREC_EVAL, report.results().getFirst().metrics());
    TrecRun written = TrecRunReader.read(EvalRunner.runFile(tmp, "graded", split.name(), "fake"));
    assertEquals(
        report.results().getFirst().metrics(), BeirMetrics.mean(List.copyOf(evaluate(split, written).values())));
  }

  // --- fixtures

  private static EvalSplit scifactTest() {
    // Under CI the dataset must be there: a missing dataset is a failure, not a skip.
    if ("true".equals(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.assertTrue(Files.isDirectory(SCIFACT), "scifact not found at " + SCIFACT);
    }
    assumeTrue(Files.isDirectory(SCIFACT), "scifact not found at " + SCIFACT + " (set -Dquarry.scifact)");
    return BeirDataset.open(SCIFACT).split("test");
  }

  private static Map<String, List<ScoredDoc>> scifactRun(EvalSplit split) {
    return SyntheticRuns.run(ids(split), split.qrels(), BeirDataset.open(SCIFACT).corpusIds(), SyntheticRuns.SCIFACT_SEED);
  }

  /** The graded qrels, written and read back through the BEIR loader. */
  private EvalSplit gradedSplit() throws IOException {
    Path file = tmp.resolve("graded-qrels.tsv");
    SyntheticRuns.writeQrels(file, SyntheticRuns.gradedQrels(SyntheticRuns.GRADED_SEED));
    Qrels qrels = QrelsFile.read(file);
    assertEquals(SyntheticRuns.gradedQrels(SyntheticRuns.GRADED_SEED), qrels);
    List<Query> queries = qrels.queryIds().stream().map(id -> new Query(id, "query " + id)).toList();
    return new EvalSplit("graded", queries, qrels);
  }

  private static Map<String, List<ScoredDoc>> gradedRun(EvalSplit split) {
    return SyntheticRuns.run(ids(split), split.qrels(), SyntheticRuns.gradedCorpus(), SyntheticRuns.GRADED_SEED);
  }

  private static List<String> ids(EvalSplit split) {
    return split.queries().stream().map(Query::id).toList();
  }

  private static Map<String, BeirMetrics> evaluate(EvalSplit split, Map<String, List<ScoredDoc>> run) {
    Map<String, Ranking> rankings = new LinkedHashMap<>();
    run.forEach((q, hits) -> rankings.put(q, Ranking.of(hits)));
    return evaluate(split, new TrecRun(rankings));
  }

  private static Map<String, BeirMetrics> evaluate(EvalSplit split, TrecRun run) {
    Map<String, BeirMetrics> perQuery = new LinkedHashMap<>();
    for (Query q : split.queries()) {
      perQuery.put(q.id(), BeirMetrics.of(run.of(q.id()), Judgments.of(split.qrels().of(q.id()))));
    }
    return perQuery;
  }

  private static void assertAgree(BeirMetrics trecEval, BeirMetrics ours) {
    List<String> diffs = new ArrayList<>();
    compare(diffs, "ndcg@10", trecEval.ndcgAt10(), ours.ndcgAt10());
    compare(diffs, "mrr@10", trecEval.mrrAt10(), ours.mrrAt10());
    compare(diffs, "recall@100", trecEval.recallAt100(), ours.recallAt100());
    compare(diffs, "p@10", trecEval.precisionAt10(), ours.precisionAt10());
    compare(diffs, "map@100", trecEval.mapAt100(), ours.mapAt100());
    assertTrue(diffs.isEmpty(), "disagreements with trec_eval: " + diffs);
  }

  private static void compare(List<String> diffs, String what, double trecEval, double ours) {
    if (Math.abs(trecEval - ours) > FOUR_DECIMALS) {
      diffs.add(what + ": trec_eval " + trecEval + ", ours " + ours);
    }
  }

  /** Checks every per-query line of the pinned {@code trec_eval -q} output, "all" lines included. */
  private static void assertPerQueryAgreement(String name, Map<String, BeirMetrics> perQuery) throws IOException {
    Map<String, ToDoubleFunction<BeirMetrics>> measures =
        Map.of(
            "ndcg_cut_10", BeirMetrics::ndcgAt10,
            "recall_100", BeirMetrics::recallAt100,
            "P_10", BeirMetrics::precisionAt10,
            "map_cut_100", BeirMetrics::mapAt100,
            "recip_rank", BeirMetrics::mrrAt10);
    BeirMetrics mean = BeirMetrics.mean(List.copyOf(perQuery.values()));
    List<String> diffs = new ArrayList<>();
    int checked = 0;
    for (String resource : List.of(name + ".txt", name + "-M10.txt")) {
      for (String line : resource(resource).split("\n")) {
        String[] f = line.trim().split("\\s+");
        ToDoubleFunction<BeirMetrics> measure = measures.get(f[0]);
        BeirMetrics ours = f[1].equals("all") ? mean : perQuery.get(f[1]);
        assertTrue(ours != null, "trec_eval evaluated query '" + f[1] + "' that the split lacks");
        compare(diffs, f[0] + " of " + f[1], Double.parseDouble(f[2]), measure.applyAsDouble(ours));
        checked++;
      }
    }
    assertEquals(5 * (perQuery.size() + 1), checked, "lines checked");
    assertTrue(diffs.isEmpty(), diffs.size() + " disagreements with trec_eval: " + diffs);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TrecEvalAgreementTest.class.getResourceAsStream("trec_eval/" + name)) {
      assertTrue(in != null, "missing test resource trec_eval/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

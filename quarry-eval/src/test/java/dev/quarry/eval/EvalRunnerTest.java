package dev.quarry.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.report.EvalReportJson;
import dev.quarry.eval.report.Latency;
import dev.quarry.eval.report.ModeResult;
import dev.quarry.eval.run.TrecRun;
import dev.quarry.eval.run.TrecRunReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner on a three-query dataset with fake search functions (the runner is under test, not
 * retrieval). Judgments: q1 {d1: 1, d2: 2}, q2 {d3: 1}, q3 {d9: 0} (nothing relevant); q4 is not
 * judged, so it is not in the split.
 */
class EvalRunnerTest {

  private static final double EPS = 1e-12;

  @TempDir Path dir;
  private BeirDataset dataset;

  @BeforeEach
  void writeDataset() throws IOException {
    Path ds = dir.resolve("tiny");
    Files.createDirectories(ds.resolve("qrels"));
    Files.writeString(ds.resolve("corpus.jsonl"), "{\"_id\": \"d1\", \"text\": \"x\"}\n");
    Files.writeString(
        ds.resolve("queries.jsonl"),
        """
        {"_id": "q1", "text": "apple"}
        {"_id": "q2", "text": "banana"}
        {"_id": "q3", "text": "cherry"}
        {"_id": "q4", "text": "durian"}
        """);
    Files.writeString(ds.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t2\nq2\td3\t1\nq3\td9\t0\n");
    dataset = BeirDataset.open(ds);
  }

  private static SearchFunction fixed(Map<String, List<ScoredDoc>> answers) {
    return (queryId, text, depth) -> answers.getOrDefault(queryId, List.of());
  }

  private static ScoredDoc doc(String id, double score) {
    return new ScoredDoc(id, score);
  }

  private static EvalRunner runner(EvalOptions options) {
    return EvalRunner.create(options);
  }

  @Test
  void averagesEachModeOverEveryQueryOfTheSplit() {
    // perfect: q1 -> d2, d1, d5: nDCG 1, MRR 1, recall 1, P@10 0.2, MAP (1/1 + 2/2)/2 = 1
    //          q2 -> nothing: all 0;  q3 -> d9 (grade 0): all 0
    //          means: 1/3, 1/3, 1/3, 0.2/3, 1/3
    EvalMode perfect =
        new EvalMode("perfect", fixed(Map.of("q1", List.of(doc("d2", 3), doc("d1", 2), doc("d5", 1)), "q3", List.of(doc("d9", 1)))));
    // shifted: q1 -> d5, d1, d2: DCG = 1/log2(3) + 2/log2(4) = 1.630930, IDCG = 2 + 1/log2(3) = 2.630930,
    //          nDCG 0.619904; MRR 1/2; recall 1; P@10 0.2; MAP (1/2 + 2/3)/2 = 0.583333
    //          q2 -> d3: 1, 1, 1, 0.1, 1;  q3 -> nothing: 0
    //          means: 0.539968, 0.5, 2/3, 0.1, 0.527778
    EvalMode shifted =
        new EvalMode("shifted", fixed(Map.of("q1", List.of(doc("d5", 3), doc("d1", 2), doc("d2", 1)), "q2", List.of(doc("d3", 1)))));

    EvalReport report = runner(EvalOptions.defaults()).run(dataset, "test", List.of(perfect, shifted));

    assertEquals("tiny", report.dataset());
    assertEquals("test", report.split());
    assertEquals(List.of("perfect", "shifted"), report.results().stream().map(ModeResult::mode).toList());
    ModeResult p = report.results().get(0);
    assertEquals(3, p.queries());
    assertMetrics(new BeirMetrics(1.0 / 3, 1.0 / 3, 1.0 / 3, 0.2 / 3, 1.0 / 3), p.metrics());
    double ndcgQ1 = (1 / log2(3) + 2 / log2(4)) / (2 + 1 / log2(3));
    assertMetrics(
        new BeirMetrics((ndcgQ1 + 1) / 3, (0.5 + 1) / 3, 2.0 / 3, 0.3 / 3, ((0.5 + 2.0 / 3) / 2 + 1) / 3),
        report.results().get(1).metrics());
    assertEquals(0.539968, report.results().get(1).metrics().ndcgAt10(), 1e-6);
  }

  @Test
  void serialisesToTheReportJsonShape() throws IOException {
    EvalMode m = new EvalMode("hybrid", fixed(Map.of("q1", List.of(doc("d1", 1)))));
    EvalReport report = runner(EvalOptions.defaults()).run(dataset, "test", List.of(m));
    JsonNode json = new ObjectMapper().readTree(EvalReportJson.write(report));
    assertEquals(List.of("dataset", "split", "results"), names(json));
    assertEquals("tiny", json.get("dataset").asText());
    JsonNode r = json.get("results").get(0);
    assertEquals(List.of("mode", "queries", "metrics", "latencyMs", "outOfOrderQueries"), names(r));
    assertEquals(3, r.get("queries").asInt());
    assertEquals(List.of("ndcg@10", "mrr@10", "recall@100", "p@10", "map@100"), names(r.get("metrics")));
    // q1 -> d1 (grade 1) at rank 1 of ideal d2, d1: nDCG = 1 / (2 + 1/log2(3)) = 0.380088; / 3 queries
    assertEquals(1 / (2 + 1 / log2(3)) / 3, r.get("metrics").get("ndcg@10").asDouble(), EPS);
    assertEquals(report, EvalReportJson.read(EvalReportJson.write(report)));
  }

  @Test
  void keepsSplitOrderWhateverFinishesFirst() throws IOException {
    // q1 cannot finish before q2 and q3 have been searched: completion order is q2/q3, then q1.
    CountDownLatch others = new CountDownLatch(2);
    SearchFunction slowFirst =
        (queryId, text, depth) -> {
          if (queryId.equals("q1")) {
            try {
              assertTrue(others.await(10, TimeUnit.SECONDS), "q2 and q3 should run while q1 waits");
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          } else {
            others.countDown();
          }
          return List.of(doc("d-" + queryId, 1));
        };
    EvalOptions options = EvalOptions.defaults().withParallelism(3).withRunDirectory(dir.resolve("runs"));
    runner(options).run(dataset, "test", List.of(new EvalMode("slow", slowFirst)));
    assertEquals(
        List.of("q1 Q0 d-q1 1 1.0 slow", "q2 Q0 d-q2 1 1.0 slow", "q3 Q0 d-q3 1 1.0 slow"),
        Files.readAllLines(dir.resolve("runs/tiny-test-slow.trec")));
  }

  @Test
  void dropsSelfHitsAndAsksForOneMoreDocument() {
    Map<String, Integer> asked = new ConcurrentHashMap<>();
    // q2's own id comes back as its best hit; d3 (relevant) second.
    SearchFunction withSelf =
        (queryId, text, depth) -> {
          asked.put(queryId, depth);
          return queryId.equals("q2") ? List.of(doc("q2", 9), doc("d3", 1)) : List.of();
        };
    EvalMode mode = new EvalMode("self", withSelf);

    ModeResult kept = runner(EvalOptions.defaults()).run(dataset, "test", List.of(mode)).results().getFirst();
    assertEquals(100, asked.get("q2"));
    // kept: d3 at rank 2 -> MRR 1/2 for q2, mean (0 + 0.5 + 0) / 3
    assertEquals(0.5 / 3, kept.metrics().mrrAt10(), EPS);

    ModeResult dropped =
        runner(EvalOptions.defaults().withDropSelfHits(true)).run(dataset, "test", List.of(mode)).results().getFirst();
    assertEquals(101, asked.get("q2"));
    // dropped: d3 at rank 1 -> MRR 1 for q2, mean 1/3
    assertEquals(1.0 / 3, dropped.metrics().mrrAt10(), EPS);
  }

  @Test
  void cutsHitsAtTheDepthInScoreOrder() throws IOException {
    // 150 hits, the relevant d3 has the 120th best score: beyond depth 100, so recall@100 is 0,
    // and the run file holds 100 lines for q2.
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      hits.add(doc(i == 119 ? "d3" : "n" + i, 1000 - i));
    }
    EvalOptions options = EvalOptions.defaults().withRunDirectory(dir);
    ModeResult r =
        runner(options).run(dataset, "test", List.of(new EvalMode("deep", fixed(Map.of("q2", hits))))).results().getFirst();
    assertEquals(0.0, r.metrics().recallAt100(), EPS);
    List<String> lines = Files.readAllLines(EvalRunner.runFile(dir, "tiny", "test", "deep"));
    assertEquals(100, lines.size());
    assertEquals("q2 Q0 n99 100 901.0 deep", lines.getLast());
  }

  @Test
  void countsQueriesWhoseScoresDisagreeWithTheirOrder() {
    // q1 returned d5 first but with the lower score: evaluated as d1, d5 -> MRR 1 for q1.
    // q2 returned d3, x with equal scores: read by id descending as x, d3 -> MRR 1/2, not out of order.
    // mean MRR: (1 + 1/2 + 0) / 3 = 0.5
    EvalMode m =
        new EvalMode("unsorted", fixed(Map.of("q1", List.of(doc("d5", 1), doc("d1", 2)), "q2", List.of(doc("d3", 1), doc("x", 1)))));
    ModeResult r = runner(EvalOptions.defaults()).run(dataset, "test", List.of(m)).results().getFirst();
    assertEquals(1, r.outOfOrderQueries(), "equal scores (q2) are not out of order");
    assertEquals(0.5, r.metrics().mrrAt10(), EPS);
  }

  @Test
  void measuresLatencyOfEachSearchCall() {
    // The fake clock advances only inside search: q1 takes 1 ms, q2 2 ms, q3 10 ms.
    // Nearest rank over {1, 2, 10}: p50 = 2nd value = 2 ms, p95 = 3rd value = 10 ms.
    AtomicLong clock = new AtomicLong();
    Map<String, Long> cost = Map.of("q1", 1_000_000L, "q2", 2_000_000L, "q3", 10_000_000L);
    SearchFunction timed =
        (queryId, text, depth) -> {
          clock.addAndGet(cost.get(queryId));
          return List.of();
        };
    EvalRunner runner = new EvalRunner(EvalOptions.defaults().withParallelism(1), clock::get);
    ModeResult r = runner.run(dataset, "test", List.of(new EvalMode("timed", timed))).results().getFirst();
    assertEquals(new Latency(2.0, 10.0), r.latency());
  }

  @Test
  void aFailingQueryStopsTheRunNamingModeAndQuery() {
    SearchFunction failing =
        (queryId, text, depth) -> {
          if (queryId.equals("q2")) {
            throw new IllegalStateException("index closed");
          }
          return List.of();
        };
    EvalRunException e =
        assertThrows(
            EvalRunException.class,
            () -> runner(EvalOptions.defaults()).run(dataset, "test", List.of(new EvalMode("broken", failing))));
    assertEquals("mode 'broken' failed on query 'q2': java.lang.IllegalStateException: index closed", e.getMessage());
    assertEquals("q2", e.queryId());
    assertEquals("broken", e.mode());

    EvalRunException nul =
        assertThrows(
            EvalRunException.class,
            () -> runner(EvalOptions.defaults()).run(dataset, "test", List.of(new EvalMode("nul", (q, t, d) -> null))));
    assertEquals("mode 'nul' failed on query 'q1': search returned null", nul.getMessage());

    EvalRunException dup =
        assertThrows(
            EvalRunException.class,
            () ->
                runner(EvalOptions.defaults())
                    .run(dataset, "test", List.of(new EvalMode("dup", fixed(Map.of("q3", List.of(doc("a", 2), doc("a", 1))))))));
    assertEquals(
        "mode 'dup' failed on query 'q3': document 'a' appears twice in one ranking; trec_eval refuses duplicate documents",
        dup.getMessage());
  }

  @Test
  void rejectsInvalidSetup() {
    EvalMode m = new EvalMode("a", fixed(Map.of()));
    IllegalArgumentException twice =
        assertThrows(IllegalArgumentException.class, () -> runner(EvalOptions.defaults()).run(dataset, "test", List.of(m, m)));
    assertEquals("mode 'a' is given twice", twice.getMessage());
    IllegalArgumentException shallow =
        assertThrows(IllegalArgumentException.class, () -> EvalOptions.defaults().withDepth(10));
    assertEquals("depth must be at least 100 (the recall@100 and map@100 cut-off), got: 10", shallow.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EvalOptions.defaults().withParallelism(0));
    assertThrows(IllegalArgumentException.class, () -> new EvalMode("two words", m.search()));
  }

  @Test
  void aStoredRunScoresAsTheModeThatWroteIt() {
    // q1's self hit is dropped in both; q3 is missing from the run and scores 0 there too
    EvalMode m = new EvalMode("shifted",
        fixed(Map.of("q1", List.of(doc("q1", 4), doc("d5", 3), doc("d1", 2), doc("d2", 1)), "q2", List.of(doc("d3", 1)))));
    EvalOptions options = EvalOptions.defaults().withDropSelfHits(true).withRunDirectory(dir.resolve("runs"));
    EvalRunner runner = runner(options);
    EvalRunner.Detailed live = runner.runDetailed("tiny", dataset.split("test"), m);
    TrecRun stored = TrecRunReader.read(EvalRunner.runFile(dir.resolve("runs"), "tiny", "test", "shifted"));
    assertEquals(live.perQuery(), runner.score(dataset.split("test"), stored));
    // kept self hit: q1 ranks d5, d1, d2 behind q1, so its nDCG@10 falls
    List<BeirMetrics> kept = runner(EvalOptions.defaults()).score(dataset.split("test"),
        new TrecRun(Map.of("q1", Ranking.of(List.of(doc("q1", 4), doc("d5", 3), doc("d1", 2), doc("d2", 1))))));
    assertTrue(kept.getFirst().ndcgAt10() < live.perQuery().getFirst().ndcgAt10());
    assertEquals(0, kept.get(1).ndcgAt10());
  }

  private static void assertMetrics(BeirMetrics expected, BeirMetrics actual) {
    assertEquals(expected.ndcgAt10(), actual.ndcgAt10(), EPS, "ndcg@10");
    assertEquals(expected.mrrAt10(), actual.mrrAt10(), EPS, "mrr@10");
    assertEquals(expected.recallAt100(), actual.recallAt100(), EPS, "recall@100");
    assertEquals(expected.precisionAt10(), actual.precisionAt10(), EPS, "p@10");
    assertEquals(expected.mapAt100(), actual.mapAt100(), EPS, "map@100");
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}

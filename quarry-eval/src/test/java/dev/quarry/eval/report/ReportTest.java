package dev.quarry.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.eval.compare.BaselineComparison;
import dev.quarry.eval.compare.PairedComparison;
import dev.quarry.eval.metric.BeirMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static final EvalReport REPORT =
      new EvalReport(
          "scifact",
          "test",
          List.of(
              new ModeResult("lexical", 300, new BeirMetrics(0.6647, 0.625, 0.9076, 0.0883, 0.6177), new Latency(1.25, 3.5), 0),
              new ModeResult("hybrid", 300, new BeirMetrics(0.7, 0.66, 0.95, 0.09, 0.65), new Latency(4.0, 9.75), 2)));

  @Test
  void writesTheDocumentedJson() {
    assertEquals(
        """
        {
          "dataset": "scifact",
          "split": "test",
          "results": [
            {
              "mode": "lexical",
              "queries": 300,
              "metrics": {
                "ndcg@10": 0.6647,
                "mrr@10": 0.625,
                "recall@100": 0.9076,
                "p@10": 0.0883,
                "map@100": 0.6177
              },
              "latencyMs": {
                "p50": 1.25,
                "p95": 3.5
              },
              "outOfOrderQueries": 0
            },
            {
              "mode": "hybrid",
              "queries": 300,
              "metrics": {
                "ndcg@10": 0.7,
                "mrr@10": 0.66,
                "recall@100": 0.95,
                "p@10": 0.09,
                "map@100": 0.65
              },
              "latencyMs": {
                "p50": 4.0,
                "p95": 9.75
              },
              "outOfOrderQueries": 2
            }
          ]
        }
        """,
        EvalReportJson.write(REPORT));
  }

  @Test
  void readsBackWhatItWrites() {
    assertEquals(REPORT, EvalReportJson.read(EvalReportJson.write(REPORT)));
    EvalReport none = new EvalReport("d", "s", List.of());
    assertEquals(none, EvalReportJson.read(EvalReportJson.write(none)));
  }

  @Test
  void readingNamesTheBadField() {
    String noMap = EvalReportJson.write(REPORT).replace("\"map@100\": 0.65", "\"map@1000\": 0.65");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> EvalReportJson.read(noMap));
    assertEquals("eval report: missing field 'results[1].metrics.map@100'", e.getMessage());
    InvalidInputException range =
        assertThrows(
            InvalidInputException.class,
            () -> EvalReportJson.read(EvalReportJson.write(REPORT).replace("\"p@10\": 0.09", "\"p@10\": 9")));
    assertEquals("eval report: results[1].: p@10 must be in [0, 1], got: 9.0", range.getMessage());
    assertThrows(InvalidInputException.class, () -> EvalReportJson.read("{\"dataset\": 1"));
    assertThrows(InvalidInputException.class, () -> EvalReportJson.read("{\"dataset\": \"d\", \"split\": \"s\", \"results\": {}}"));
  }

  @Test
  void formatsATableWithFourDecimalsAndANoteForOutOfOrderModes() {
    assertEquals(
        """
        scifact / test
        mode     queries  ndcg@10  mrr@10  recall@100    p@10  map@100  p50 ms  p95 ms
        lexical      300   0.6647  0.6250      0.9076  0.0883   0.6177    1.25    3.50
        hybrid       300   0.7000  0.6600      0.9500  0.0900   0.6500    4.00    9.75
        note: hybrid returned 2 of 300 queries with scores out of rank order; they were evaluated in score order
        """,
        ReportTable.format(REPORT));
  }

  private static BaselineComparison vsLexical() {
    List<String> ids = List.of("q1", "q2", "q3");
    List<BeirMetrics> lexical = List.of(new BeirMetrics(0.5, 0.5, 1, 0.1, 0.5), new BeirMetrics(1, 1, 1, 0.1, 1),
        new BeirMetrics(0, 0, 0, 0, 0));
    List<BeirMetrics> hybrid = List.of(new BeirMetrics(1, 1, 1, 0.1, 1), new BeirMetrics(1, 1, 1, 0.1, 1),
        new BeirMetrics(0.25, 0.25, 1, 0.1, 0.25));
    Map<String, List<BeirMetrics>> perQuery = new LinkedHashMap<>();
    perQuery.put("lexical", lexical);
    perQuery.put("hybrid", hybrid);
    return BaselineComparison.of("lexical", ids, lexical, perQuery, 1_000);
  }

  @Test
  void formatsTheComparisonWithTheBaselineUnderTheTable() {
    BaselineComparison vs = vsLexical();
    PairedComparison p = vs.of("hybrid").orElseThrow().ndcgAt10();
    assertEquals(ReportTable.format(REPORT) + "\n"
        + "vs lexical (ndcg@10 0.5000): paired randomisation test on ndcg@10, two-sided, 1000 permutations, seed 20071106\n"
        + "mode    ndcg@10 diff  wins  losses  ties  p-value\n"
        + String.format(Locale.ROOT, "hybrid       +0.2500     2       0     1   %.4f%n", p.pValue()),
        ReportTable.format(REPORT, vs));
  }

  @Test
  void writesTheComparisonIntoTheJsonAndReadsTheResultsBack() {
    BaselineComparison vs = vsLexical();
    String json = EvalReportJson.write(REPORT, vs);
    PairedComparison p = vs.of("hybrid").orElseThrow().ndcgAt10();
    assertTrue(json.contains("""
          "split": "test",
          "baseline": {
            "name": "lexical",
            "metrics": {
              "ndcg@10": 0.5,
        """), json);
    assertTrue(json.contains("""
              "outOfOrderQueries": 2,
              "vsBaseline": {
                "ndcg@10": {
                  "meanDifference": 0.25,
                  "wins": 2,
                  "losses": 0,
                  "ties": 1,
                  "pValue": %s
                },
        """.formatted(p.pValue())), json);
    assertTrue(json.contains("""
              "won": [
                "q1",
                "q3"
              ],
              "lost": [ ]
        """), json);
    assertEquals(REPORT, EvalReportJson.read(json));
  }

  @Test
  void latencyUsesNearestRankPercentiles() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[99 - i] = (i + 1) * 1_000_000L; // 1..100 ms, reversed
    }
    // nearest rank: p50 = 50th smallest = 50 ms, p95 = 95th smallest = 95 ms
    assertEquals(new Latency(50, 95), Latency.ofNanos(nanos));
    assertEquals(new Latency(0.5, 0.5), Latency.ofNanos(new long[] {500_000}));
    // {1, 2, 3, 4} ms: p50 = ceil(2) = 2nd = 2 ms, p95 = ceil(3.8) = 4th = 4 ms
    assertEquals(new Latency(2, 4), Latency.ofNanos(new long[] {4_000_000, 1_000_000, 3_000_000, 2_000_000}));
    assertThrows(IllegalArgumentException.class, () -> Latency.ofNanos(new long[0]));
    assertThrows(IllegalArgumentException.class, () -> new Latency(2, 1));
  }
}

package dev.quarry.eval.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.report.Latency;
import dev.quarry.eval.report.ModeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateTest {

  static final String PINS = """
      dataset: scifact
      split: test
      tolerance: 0.002
      modes:
        lexical:
          ndcg@10: 0.6832
        hybrid:
          ndcg@10: 0.7415
          recall@100: {value: 0.9750, tolerance: 0.005}
      """;

  private static ModeResult mode(String name, double ndcg, double recall) {
    return new ModeResult(name, 300, new BeirMetrics(ndcg, 0.5, recall, 0.1, 0.5), Latency.ofNanos(new long[] {1}), 0);
  }

  private static EvalReport report(ModeResult... modes) {
    return new EvalReport("scifact", "test", List.of(modes));
  }

  @Test
  void metricsWithinTheirToleranceHold() {
    var result = Gate.check(report(mode("lexical", 0.68201, 0.9), mode("hybrid", 0.7431, 0.9711)),
        Expectations.parse(PINS, "gate.yaml"));
    assertTrue(result.passed(), result.table());
    assertTrue(result.moved().isEmpty(), result.table());
  }

  @Test
  void aDropBeyondTheToleranceFailsAndTheTableSaysWhatMoved() {
    var result = Gate.check(report(mode("lexical", 0.6832, 0.9), mode("hybrid", 0.7301, 0.9750)),
        Expectations.parse(PINS, "gate.yaml"));
    assertFalse(result.passed());
    assertEquals(1, result.moved().size());
    Gate.Row row = result.moved().getFirst();
    assertEquals("hybrid", row.pin().mode());
    assertEquals("ndcg@10", row.pin().metric());
    assertEquals(Gate.Verdict.DROPPED, row.verdict());
    assertEquals(-0.0114, row.delta(), 1e-9);
    String line = result.table().lines().filter(l -> l.contains("DROPPED")).findFirst().orElseThrow();
    assertEquals("hybrid                   ndcg@10        0.7415    0.7301   -0.0114    0.0020  DROPPED", line);
  }

  @Test
  void aRiseBeyondTheTolerancePassesButIsReported() {
    var result = Gate.check(report(mode("lexical", 0.6900, 0.9), mode("hybrid", 0.7415, 0.9750)),
        Expectations.parse(PINS, "gate.yaml"));
    assertTrue(result.passed());
    assertEquals(Gate.Verdict.ROSE, result.moved().getFirst().verdict());
  }

  @Test
  void aPinnedModeThatWasNotEvaluatedFails() {
    var result = Gate.check(report(mode("lexical", 0.6832, 0.9)), Expectations.parse(PINS, "gate.yaml"));
    assertFalse(result.passed());
    assertEquals(List.of(Gate.Verdict.MISSING, Gate.Verdict.MISSING),
        result.moved().stream().map(Gate.Row::verdict).toList());
  }

  @Test
  void anotherDatasetIsRefused() {
    var e = assertThrows(InvalidInputException.class, () -> Gate.check(
        new EvalReport("nfcorpus", "test", List.of(mode("lexical", 0.3, 0.3))), Expectations.parse(PINS, "gate.yaml")));
    assertEquals("gate pins dataset 'scifact' but 'nfcorpus' was evaluated", e.getMessage());
  }

  @Test
  void badFilesAreRefusedNamingTheKey() {
    assertEquals("g.yaml: modes.hybrid.ndcg@20: unknown metric; known: [ndcg@10, mrr@10, recall@100, p@10, map@100]",
        assertThrows(InvalidInputException.class,
            () -> Expectations.parse("modes: {hybrid: {ndcg@20: 0.7}}", "g.yaml")).getMessage());
    assertEquals("g.yaml: modes.hybrid.ndcg@10: expected a number, got: \"high\"",
        assertThrows(InvalidInputException.class,
            () -> Expectations.parse("modes: {hybrid: {ndcg@10: high}}", "g.yaml")).getMessage());
    assertEquals("g.yaml: unknown key 'mode' (dataset, split, tolerance, modes)",
        assertThrows(InvalidInputException.class, () -> Expectations.parse("mode: {}", "g.yaml")).getMessage());
  }
}

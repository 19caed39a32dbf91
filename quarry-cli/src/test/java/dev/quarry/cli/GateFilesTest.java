package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.eval.gate.Expectations;
import dev.quarry.eval.gate.Gate;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.report.EvalReport;
import dev.quarry.eval.report.Latency;
import dev.quarry.eval.report.ModeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The release gates CI runs (gates/*.yaml): each parses, pins modes {@code quarry eval --mode all}
 * produces, holds for a report at its pins, and fails when any one pinned metric drops by just
 * more than its tolerance.
 */
class GateFilesTest {

  private static final Path GATES = Path.of("..", "gates");

  private static List<Path> gates() throws Exception {
    try (Stream<Path> files = Files.list(GATES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** A report of {@code dataset} whose pinned metrics are {@code values}, the rest 0.5. */
  private static EvalReport report(String dataset, String split, Map<String, Map<String, Double>> values) {
    List<ModeResult> modes = new ArrayList<>();
    for (String mode : List.of("lexical", "vector", "hybrid")) {
      Map<String, Double> v = values.getOrDefault(mode, Map.of());
      modes.add(new ModeResult(mode, 300, new BeirMetrics(v.getOrDefault("ndcg@10", 0.5), v.getOrDefault("mrr@10", 0.5),
          v.getOrDefault("recall@100", 0.5), v.getOrDefault("p@10", 0.5), v.getOrDefault("map@100", 0.5)),
          new Latency(1, 2), 0));
    }
    return new EvalReport(dataset, split, modes);
  }

  @Test
  void eachShippedGateHoldsAtItsPinsAndFailsWhenOnePinDropsBeyondItsTolerance() throws Exception {
    List<Path> files = gates();
    assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("scifact.yaml")), files.toString());
    for (Path file : files) {
      Expectations e = Expectations.read(file);
      String dataset = e.dataset().orElseThrow(() -> new AssertionError(file + " names its dataset"));
      String split = e.split().orElseThrow(() -> new AssertionError(file + " names its split"));
      assertFalse(e.pins().isEmpty(), file.toString());
      Map<String, Map<String, Double>> atPins = new HashMap<>();
      for (Expectations.Pin p : e.pins()) {
        assertTrue(List.of("lexical", "vector", "hybrid").contains(p.mode()), file + ": " + p.mode());
        atPins.computeIfAbsent(p.mode(), m -> new HashMap<>()).put(p.metric(), p.expected());
      }
      assertTrue(Gate.check(report(dataset, split, atPins), e).passed(), file + " holds at its own pins");
      for (Expectations.Pin p : e.pins()) {
        Map<String, Map<String, Double>> dropped = new HashMap<>();
        atPins.forEach((m, v) -> dropped.put(m, new HashMap<>(v)));
        dropped.get(p.mode()).put(p.metric(), p.expected() - p.tolerance() - 0.0002);
        Gate.Result r = Gate.check(report(dataset, split, dropped), e);
        assertFalse(r.passed(), file + ": " + p.mode() + " " + p.metric() + " dropped");
        assertEquals(1, r.moved().size(), r.table());
        assertEquals(Gate.Verdict.DROPPED, r.moved().getFirst().verdict());
        Map<String, Map<String, Double>> within = new HashMap<>();
        atPins.forEach((m, v) -> within.put(m, new HashMap<>(v)));
        within.get(p.mode()).put(p.metric(), p.expected() - p.tolerance() + 0.0001);
        assertTrue(Gate.check(report(dataset, split, within), e).passed(), file + ": within tolerance holds");
      }
    }
  }
}

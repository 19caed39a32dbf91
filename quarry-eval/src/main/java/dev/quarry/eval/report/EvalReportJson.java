package dev.quarry.eval.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.eval.compare.BaselineComparison;
import dev.quarry.eval.compare.ModeComparison;
import dev.quarry.eval.compare.PairedComparison;
import dev.quarry.eval.metric.BeirMetrics;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of an {@link EvalReport}, written field by field (no reflection):
 *
 * <pre>{@code
 * {
 *   "dataset": "scifact",
 *   "split": "test",
 *   "results": [
 *     {
 *       "mode": "hybrid",
 *       "queries": 300,
 *       "metrics": {"ndcg@10": 0.7, "mrr@10": 0.6, "recall@100": 0.9, "p@10": 0.09, "map@100": 0.6},
 *       "latencyMs": {"p50": 3.1, "p95": 7.9},
 *       "outOfOrderQueries": 0
 *     }
 *   ]
 * }
 * }</pre>
 *
 * Numbers are written in full (shortest round-trip form), not rounded. A report written with a
 * {@link BaselineComparison} also has, after {@code split}, {@code "baseline": {"name", "metrics",
 * "trials", "seed"}}, and in each compared result, after {@code outOfOrderQueries}, {@code
 * "vsBaseline"} (per metric {@code meanDifference}, {@code wins}, {@code losses}, {@code ties},
 * {@code pValue}) and the ids of the queries it {@code won} and {@code lost} on nDCG@10. {@link
 * #read} reads the results and ignores the comparison.
 */
public final class EvalReportJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalReportJson() {}

  public static String write(EvalReport report) {
    return write(report, Optional.empty());
  }

  /** The report with its modes against the baseline. */
  public static String write(EvalReport report, BaselineComparison comparison) {
    return write(report, Optional.of(comparison));
  }

  private static String write(EvalReport report, Optional<BaselineComparison> comparison) {
    StringWriter out = new StringWriter();
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter);
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.setPrettyPrinter(pretty);
      g.writeStartObject();
      g.writeStringField("dataset", report.dataset());
      g.writeStringField("split", report.split());
      if (comparison.isPresent()) {
        BaselineComparison c = comparison.get();
        g.writeObjectFieldStart("baseline");
        g.writeStringField("name", c.baseline());
        writeMetrics(g, c.baselineMetrics());
        g.writeNumberField("trials", c.trials());
        g.writeNumberField("seed", c.seed());
        g.writeEndObject();
      }
      g.writeArrayFieldStart("results");
      for (ModeResult r : report.results()) {
        g.writeStartObject();
        g.writeStringField("mode", r.mode());
        g.writeNumberField("queries", r.queries());
        writeMetrics(g, r.metrics());
        g.writeObjectFieldStart("latencyMs");
        g.writeNumberField("p50", r.latency().p50Millis());
        g.writeNumberField("p95", r.latency().p95Millis());
        g.writeEndObject();
        g.writeNumberField("outOfOrderQueries", r.outOfOrderQueries());
        Optional<ModeComparison> vs = comparison.flatMap(c -> c.of(r.mode()));
        if (vs.isPresent()) {
          writeComparison(g, vs.get());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out + "\n";
  }

  private static void writeMetrics(JsonGenerator g, BeirMetrics metrics) throws IOException {
    g.writeObjectFieldStart("metrics");
    for (var m : metrics.byName().entrySet()) {
      g.writeNumberField(m.getKey(), m.getValue());
    }
    g.writeEndObject();
  }

  private static void writeComparison(JsonGenerator g, ModeComparison vs) throws IOException {
    g.writeObjectFieldStart("vsBaseline");
    for (var e : vs.byMetric().entrySet()) {
      PairedComparison p = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeNumberField("meanDifference", p.meanDifference());
      g.writeNumberField("wins", p.wins());
      g.writeNumberField("losses", p.losses());
      g.writeNumberField("ties", p.ties());
      g.writeNumberField("pValue", p.pValue());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeArrayFieldStart("won");
    for (String q : vs.won()) {
      g.writeString(q);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("lost");
    for (String q : vs.lost()) {
      g.writeString(q);
    }
    g.writeEndArray();
  }

  /** Parses a report written by {@link #write}; throws {@link InvalidInputException} naming the bad field. */
  public static EvalReport read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("eval report is not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode results = field(root, "results", "");
    if (!results.isArray()) {
      throw new InvalidInputException("eval report: 'results' must be an array");
    }
    List<ModeResult> modes = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      String at = "results[" + i + "].";
      JsonNode r = results.get(i);
      JsonNode metrics = field(r, "metrics", at);
      JsonNode latency = field(r, "latencyMs", at);
      try {
        modes.add(
            new ModeResult(
                text(r, "mode", at),
                integer(r, "queries", at),
                new BeirMetrics(
                    number(metrics, BeirMetrics.NDCG_10.name(), at + "metrics."),
                    number(metrics, BeirMetrics.MRR_10.name(), at + "metrics."),
                    number(metrics, BeirMetrics.RECALL_100.name(), at + "metrics."),
                    number(metrics, BeirMetrics.P_10.name(), at + "metrics."),
                    number(metrics, BeirMetrics.MAP_100.name(), at + "metrics.")),
                new Latency(number(latency, "p50", at + "latencyMs."), number(latency, "p95", at + "latencyMs.")),
                integer(r, "outOfOrderQueries", at)));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("eval report: " + at + ": " + e.getMessage(), e);
      }
    }
    try {
      return new EvalReport(text(root, "dataset", ""), text(root, "split", ""), modes);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("eval report: " + e.getMessage(), e);
    }
  }

  private static JsonNode field(JsonNode node, String name, String at) {
    JsonNode value = node == null ? null : node.get(name);
    if (value == null || value.isNull()) {
      throw new InvalidInputException("eval report: missing field '" + at + name + "'");
    }
    return value;
  }

  private static String text(JsonNode node, String name, String at) {
    JsonNode v = field(node, name, at);
    if (!v.isTextual()) {
      throw new InvalidInputException("eval report: '" + at + name + "' must be a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String name, String at) {
    JsonNode v = field(node, name, at);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InvalidInputException("eval report: '" + at + name + "' must be an integer");
    }
    return v.intValue();
  }

  private static double number(JsonNode node, String name, String at) {
    JsonNode v = field(node, name, at);
    if (!v.isNumber()) {
      throw new InvalidInputException("eval report: '" + at + name + "' must be a number");
    }
    return v.doubleValue();
  }
}

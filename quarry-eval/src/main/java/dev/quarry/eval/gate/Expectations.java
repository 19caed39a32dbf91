package dev.quarry.eval.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.eval.metric.BeirMetrics;
import dev.quarry.eval.metric.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pinned metrics of a release gate, as Anserini's regression configs pin them: for a dataset and
 * split, per mode, the expected value of each metric and how far it may move. A file:
 *
 * <pre>
 * dataset: scifact          # optional: checked against the evaluated dataset
 * split: test               # optional: checked against the evaluated split
 * tolerance: 0.002          # default for every pin
 * modes:
 *   lexical:
 *     ndcg@10: 0.6832
 *   hybrid:
 *     ndcg@10: 0.7415
 *     recall@100: {value: 0.975, tolerance: 0.005}
 * </pre>
 *
 * Metric names are those of the report: {@code ndcg@10}, {@code mrr@10}, {@code recall@100},
 * {@code p@10}, {@code map@100}.
 */
public record Expectations(Optional<String> dataset, Optional<String> split, List<Pin> pins) {

  /** One pinned metric of one mode. */
  public record Pin(String mode, String metric, double expected, double tolerance) {
    public Pin {
      if (!(expected >= 0 && expected <= 1)) {
        throw new IllegalArgumentException("expected " + mode + " " + metric + " must be in [0, 1], got: " + expected);
      }
      if (!(tolerance >= 0 && tolerance < 1)) {
        throw new IllegalArgumentException("tolerance of " + mode + " " + metric + " must be in [0, 1), got: " + tolerance);
      }
    }
  }

  public Expectations {
    dataset = dataset == null ? Optional.empty() : dataset;
    split = split == null ? Optional.empty() : split;
    pins = List.copyOf(pins);
  }

  public static Expectations read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("gate file not found: " + file, e);
    } catch (IOException e) {
      throw new StorageException("cannot read gate file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses the YAML text of a gate file; errors name {@code source} and the offending key. */
  public static Expectations parse(String yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new InvalidInputException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(source + ": expected a mapping with 'modes'");
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String key = field.getKey();
      if (!List.of("dataset", "split", "tolerance", "modes").contains(key)) {
        throw new InvalidInputException(source + ": unknown key '" + key + "' (dataset, split, tolerance, modes)");
      }
    }
    double tolerance = root.has("tolerance") ? number(root.get("tolerance"), source, "tolerance") : 0.0;
    JsonNode modes = root.path("modes");
    if (!modes.isObject() || modes.isEmpty()) {
      throw new InvalidInputException(source + ": 'modes' must map each mode to its pinned metrics");
    }
    List<String> known = BeirMetrics.MEASURES.stream().map(Metric::name).toList();
    List<Pin> pins = new ArrayList<>();
    for (Map.Entry<String, JsonNode> mode : modes.properties()) {
      if (!mode.getValue().isObject() || mode.getValue().isEmpty()) {
        throw new InvalidInputException(source + ": modes." + mode.getKey() + " must map metric names to values");
      }
      for (Map.Entry<String, JsonNode> pin : mode.getValue().properties()) {
        String at = "modes." + mode.getKey() + "." + pin.getKey();
        if (!known.contains(pin.getKey())) {
          throw new InvalidInputException(source + ": " + at + ": unknown metric; known: " + known);
        }
        JsonNode v = pin.getValue();
        double expected = v.isObject() ? number(v.get("value"), source, at + ".value") : number(v, source, at);
        double tol = v.isObject() && v.has("tolerance") ? number(v.get("tolerance"), source, at + ".tolerance") : tolerance;
        try {
          pins.add(new Pin(mode.getKey(), pin.getKey(), expected, tol));
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(source + ": " + at + ": " + e.getMessage(), e);
        }
      }
    }
    return new Expectations(text(root, "dataset"), text(root, "split"), pins);
  }

  private static Optional<String> text(JsonNode root, String key) {
    return root.hasNonNull(key) ? Optional.of(root.get(key).asText()) : Optional.empty();
  }

  private static double number(JsonNode v, String source, String at) {
    if (v == null || !v.isNumber()) {
      throw new InvalidInputException(source + ": " + at + ": expected a number, got: " + v);
    }
    return v.asDouble();
  }
}

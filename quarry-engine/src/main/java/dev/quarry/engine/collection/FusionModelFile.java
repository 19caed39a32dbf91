package dev.quarry.engine.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.search.FusionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A collection's learned fusion model ({@code quarry tune}), kept beside its index manifest as
 * {@code fusion-model.json}: {@code features}, {@code weights}, {@code window}, {@code judgments}
 * (the fingerprint of the judgments it was fitted on) and {@code fitted} (how: dataset, split,
 * queries, cross-validated metrics; informational).
 */
public final class FusionModelFile {

  public static final String FILE_NAME = "fusion-model.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FusionModelFile() {}

  /** The model stored in collection directory {@code dir}, if any. */
  public static Optional<FusionModel> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      List<String> features = new ArrayList<>();
      n.path("features").forEach(f -> features.add(f.asText()));
      List<Double> weights = new ArrayList<>();
      n.path("weights").forEach(w -> weights.add(w.asDouble()));
      return Optional.of(new FusionModel(features, weights, n.path("window").asInt(), n.path("judgments").asText()));
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("the learned fusion model " + file + " is unreadable: " + e.getMessage()
          + "; fit it again with 'quarry tune'", e);
    }
  }

  /** Stores {@code model} (and {@code fitted}, how it was fitted) in {@code dir}, replacing any. */
  public static void write(Path dir, FusionModel model, Map<String, Object> fitted) {
    ObjectNode n = JSON.createObjectNode();
    n.set("features", JSON.valueToTree(model.features()));
    n.set("weights", JSON.valueToTree(model.weights()));
    n.put("window", model.window());
    n.put("judgments", model.judgments());
    n.put("fingerprint", model.fingerprint());
    n.set("fitted", JSON.valueToTree(fitted));
    Path file = dir.resolve(FILE_NAME);
    try {
      Path tmp = Files.createTempFile(dir, "fusion-model", ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StorageException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}

package dev.quarry.store.collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.error.InvalidInputException;

/**
 * A collection's settings as a JSON object, kept as compact text. The store does not interpret
 * them (the server binds them to its typed settings); it only guarantees they are one JSON object,
 * at most {@value #MAX_LENGTH} characters. The text is normalised (re-serialised compactly), so equal
 * settings compare equal.
 */
public record SettingsJson(String json) {

  public static final int MAX_LENGTH = 65_536;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public SettingsJson {
    if (json == null) {
      throw new InvalidInputException("collection settings must be a JSON object, got nothing");
    }
    if (json.length() > MAX_LENGTH) {
      throw new InvalidInputException(
          "collection settings must be at most " + MAX_LENGTH + " characters, got: " + json.length());
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "collection settings are not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("collection settings must be a JSON object, got: "
          + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    json = node.toString();
  }

  public static SettingsJson of(String json) {
    return new SettingsJson(json);
  }

  /** {@code {}}: no settings, the server's defaults apply. */
  public static SettingsJson empty() {
    return new SettingsJson("{}");
  }
}

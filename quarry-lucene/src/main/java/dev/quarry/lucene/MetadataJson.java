package dev.quarry.lucene;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.StorageException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed metadata as the JSON stored with every chunk, so a loaded chunk gets its metadata back with
 * the types it was written with: {@code {"lang":{"text":"en"},"year":{"number":2024},
 * "score":{"number":0.5},"open":{"bool":true},"published":{"date":"2024-05-01T00:00:00Z"},
 * "tags":{"list":["a","b"]}}}. Numbers keep their exact spelling (an integer stays an integer, a
 * decimal keeps its digits); dates keep their full {@link Instant} precision here (filters compare
 * them at millisecond precision).
 */
final class MetadataJson {

  /** Reads decimals exactly, trailing zeros included, so {@code 2024.0} does not become {@code 2024}. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private MetadataJson() {}

  static String write(Metadata metadata) {
    ObjectNode root = JSON.createObjectNode();
    metadata.values().forEach((key, value) -> {
      ObjectNode typed = root.putObject(key);
      switch (value) {
        case MetadataValue.Text t -> typed.put("text", t.value());
        case MetadataValue.Number n -> typed.put("number", n.exact());
        case MetadataValue.Bool b -> typed.put("bool", b.value());
        case MetadataValue.Date d -> typed.put("date", d.value().toString());
        case MetadataValue.TextList l -> {
          ArrayNode array = typed.putArray("list");
          l.values().forEach(array::add);
        }
      }
    });
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata could not be written as JSON", e);
    }
  }

  static Metadata read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new StorageException("stored metadata is not valid JSON: " + e.getOriginalMessage(), e);
    }
    Map<String, MetadataValue> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      values.put(entry.getKey(), value(entry.getKey(), entry.getValue()));
    }
    return new Metadata(values);
  }

  private static MetadataValue value(String key, JsonNode typed) {
    if (typed.has("text")) {
      return new MetadataValue.Text(typed.get("text").asText());
    }
    if (typed.has("number")) {
      JsonNode n = typed.get("number");
      BigDecimal exact = n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : n.decimalValue();
      return new MetadataValue.Number(exact);
    }
    if (typed.has("bool")) {
      return new MetadataValue.Bool(typed.get("bool").asBoolean());
    }
    if (typed.has("date")) {
      try {
        return new MetadataValue.Date(Instant.parse(typed.get("date").asText()));
      } catch (DateTimeParseException e) {
        throw new StorageException("stored metadata '" + key + "' has an unreadable date", e);
      }
    }
    if (typed.has("list")) {
      List<String> list = new ArrayList<>();
      typed.get("list").forEach(v -> list.add(v.asText()));
      return new MetadataValue.TextList(list);
    }
    throw new StorageException("stored metadata '" + key + "' has no known type: " + typed);
  }
}

package dev.quarry.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.server.error.ApiException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata between JSON and core. Numbers become numbers, arrays of strings become lists, strings
 * that are ISO-8601 instants ({@code 2024-01-31T00:00:00Z}) become dates so that range filters
 * work on them, other strings stay strings. Decision: the date rule is by shape, the same way a
 * client would write it; a client that wants such a string kept as text has no way yet (noted).
 */
public final class MetadataJson {

  private MetadataJson() {}

  public static Metadata read(JsonNode node, String pointer) {
    if (node == null || node.isNull()) {
      return Metadata.empty();
    }
    if (!node.isObject()) {
      throw ApiException.invalidAt(pointer, "metadata must be an object");
    }
    Map<String, MetadataValue> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String at = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
      if (e.getKey().isBlank()) {
        throw ApiException.invalidAt(at, "metadata keys must not be blank");
      }
      values.put(e.getKey(), value(e.getValue(), at));
    }
    return new Metadata(values);
  }

  private static MetadataValue value(JsonNode v, String at) {
    if (v.isNumber()) {
      double d = v.asDouble();
      if (!Double.isFinite(d)) {
        throw ApiException.invalidAt(at, "metadata numbers must be finite");
      }
      return new MetadataValue.Number(d);
    }
    if (v.isTextual()) {
      try {
        return new MetadataValue.Date(Instant.parse(v.asText()));
      } catch (DateTimeParseException notADate) {
        return new MetadataValue.Text(v.asText());
      }
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        if (!v.get(i).isTextual()) {
          throw ApiException.invalidAt(at + "/" + i, "metadata lists hold strings only");
        }
        items.add(v.get(i).asText());
      }
      return new MetadataValue.TextList(items);
    }
    throw ApiException.invalidAt(at, "metadata values are strings, numbers, ISO-8601 instants or arrays of strings");
  }

  public static Map<String, Object> write(Metadata metadata) {
    Map<String, Object> out = new LinkedHashMap<>();
    metadata.values().forEach((k, v) -> out.put(k, switch (v) {
      case MetadataValue.Text t -> t.value();
      case MetadataValue.Number n -> n.value();
      case MetadataValue.Date d -> d.value().toString();
      case MetadataValue.TextList l -> l.values();
    }));
    return out;
  }
}

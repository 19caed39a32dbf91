package dev.quarry.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.server.error.ApiException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata between JSON and core. Numbers become numbers and come back as they were sent (an
 * integer as an integer, a decimal as a decimal, to double precision), booleans become booleans,
 * arrays of strings become lists, strings that are ISO-8601 instants ({@code 2024-01-31T00:00:00Z})
 * become dates so that range filters work on them (and come back as {@link java.time.Instant}
 * writes them), other strings stay strings. Decision: the date rule is by shape, the same way a
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
      return number(v, at, "metadata numbers must be finite");
    }
    if (v.isBoolean()) {
      return new MetadataValue.Bool(v.booleanValue());
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
    throw ApiException.invalidAt(at, "metadata values are strings, numbers, booleans, ISO-8601 instants or arrays of strings");
  }

  /** A JSON number as sent: an integer (of any size) stays one, a decimal is read as a double. */
  static MetadataValue.Number number(JsonNode v, String at, String ifInfinite) {
    try {
      return v.isIntegralNumber()
          ? new MetadataValue.Number(new BigDecimal(v.bigIntegerValue()))
          : new MetadataValue.Number(v.doubleValue());
    } catch (IllegalArgumentException notFinite) {
      throw ApiException.invalidAt(at, ifInfinite);
    }
  }

  public static Map<String, Object> write(Metadata metadata) {
    Map<String, Object> out = new LinkedHashMap<>();
    metadata.values().forEach((k, v) -> out.put(k, switch (v) {
      case MetadataValue.Text t -> t.value();
      case MetadataValue.Number n -> n.exact();
      case MetadataValue.Bool b -> b.value();
      case MetadataValue.Date d -> d.value().toString();
      case MetadataValue.TextList l -> l.values();
    }));
    return out;
  }
}

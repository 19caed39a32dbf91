package dev.quarry.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON values built from a schema of the document, every property filled, to check that what the
 * schema promises is what the codec binds. {@link #all} gives one value per enum position, so every
 * enum value of every property is sent once.
 */
public final class SchemaSamples {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 8;

  private SchemaSamples() {}

  /** Samples of {@code schema} that together use every enum value. */
  public static List<JsonNode> all(JsonNode doc, JsonNode schema) {
    int positions = Math.max(1, widestEnum(doc, schema, 0));
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < positions; i++) {
      out.add(sample(doc, schema, i, 0));
    }
    return out;
  }

  private static JsonNode sample(JsonNode doc, JsonNode schema, int enumPosition, int depth) {
    if (schema.has("$ref")) {
      return depth > MAX_DEPTH ? NODES.nullNode() : sample(doc, OpenApiChecks.resolve(doc, schema.get("$ref").asText()), enumPosition, depth + 1);
    }
    if (schema.has("enum")) {
      JsonNode values = schema.get("enum");
      return values.get(Math.min(enumPosition, values.size() - 1));
    }
    return switch (schema.path("type").asText()) {
      case "object" -> {
        ObjectNode o = NODES.objectNode();
        schema.path("properties").properties().forEach(e -> o.set(e.getKey(), sample(doc, e.getValue(), enumPosition, depth + 1)));
        if (schema.path("additionalProperties").isObject()) {
          o.set("some_key", sample(doc, schema.get("additionalProperties"), enumPosition, depth + 1));
        }
        yield o;
      }
      case "array" -> NODES.arrayNode().add(sample(doc, schema.get("items"), enumPosition, depth + 1));
      case "string" -> NODES.textNode("uuid".equals(schema.path("format").asText())
          ? "123e4567-e89b-12d3-a456-426614174000" : "text");
      case "integer" -> NODES.numberNode(3);
      case "number" -> NODES.numberNode(0.5);
      case "boolean" -> NODES.booleanNode(true);
      case "" -> NODES.objectNode(); // any value
      default -> throw new IllegalArgumentException("no sample for schema " + schema);
    };
  }

  private static int widestEnum(JsonNode doc, JsonNode schema, int depth) {
    if (depth > MAX_DEPTH || schema == null) {
      return 0;
    }
    if (schema.has("$ref")) {
      return widestEnum(doc, OpenApiChecks.resolve(doc, schema.get("$ref").asText()), depth + 1);
    }
    int widest = schema.has("enum") ? schema.get("enum").size() : 0;
    for (var e : schema.path("properties").properties()) {
      widest = Math.max(widest, widestEnum(doc, e.getValue(), depth + 1));
    }
    widest = Math.max(widest, widestEnum(doc, schema.get("items"), depth + 1));
    if (schema.path("additionalProperties").isObject()) {
      widest = Math.max(widest, widestEnum(doc, schema.get("additionalProperties"), depth + 1));
    }
    return widest;
  }
}

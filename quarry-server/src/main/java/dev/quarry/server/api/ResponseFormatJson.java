package dev.quarry.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.llm.schema.JsonSchemas;
import dev.quarry.runtime.structured.OutputSchema;
import dev.quarry.server.error.ApiException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code response_format} in OpenAI's shape, on {@code /v1/chat} and {@code /v1/chat/completions}:
 * {@code {"type": "json_schema", "json_schema": {"name", "schema", "strict", "description"}}},
 * {@code {"type": "json_object"}} or {@code {"type": "text"}} (the default: none). The schema is
 * checked and compiled here; what is wrong is a 400 with the JSON pointer of the offending part.
 */
final class ResponseFormatJson {

  static final String AT = "/response_format";
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private ResponseFormatJson() {}

  /** The format {@code node} asks for, if any. */
  static Optional<OutputSchema> read(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw ApiException.invalidAt(AT, "response_format must be an object with a type");
    }
    String type = node.path("type").asText("");
    return switch (type) {
      case "text" -> {
        only(node, AT, Set.of("type"));
        yield Optional.empty();
      }
      case "json_object" -> {
        only(node, AT, Set.of("type"));
        yield Optional.of(OutputSchema.of(ResponseFormat.jsonObject()));
      }
      case "json_schema" -> Optional.of(jsonSchema(node));
      default -> throw ApiException.invalidAt(AT + "/type", "type must be json_schema, json_object or text, got: "
          + node.path("type"));
    };
  }

  private static OutputSchema jsonSchema(JsonNode node) {
    only(node, AT, Set.of("type", "json_schema"));
    String at = AT + "/json_schema";
    JsonNode js = node.get("json_schema");
    if (js == null || !js.isObject()) {
      throw ApiException.invalidAt(at, "json_schema is required with type json_schema: an object with name and schema");
    }
    only(js, at, Set.of("name", "schema", "strict", "description"));
    JsonNode name = js.get("name");
    if (name == null || !name.isTextual() || !NAME.matcher(name.textValue()).matches()) {
      throw ApiException.invalidAt(at + "/name", "name is required: 1..64 letters, digits, _ or -");
    }
    JsonNode strict = js.get("strict");
    if (strict != null && !strict.isNull() && !strict.isBoolean()) {
      throw ApiException.invalidAt(at + "/strict", "strict must be true or false");
    }
    JsonNode description = js.get("description");
    if (description != null && !description.isNull() && !description.isTextual()) {
      throw ApiException.invalidAt(at + "/description", "description must be a string");
    }
    JsonNode schema = js.get("schema");
    if (schema == null || schema.isNull()) {
      throw ApiException.invalidAt(at + "/schema", "schema is required: the JSON Schema (draft 2020-12) of the answer");
    }
    try {
      return new OutputSchema(new ResponseFormat(name.textValue(), schema.toString(), strict != null && strict.asBoolean()),
          JsonSchemas.compile(schema));
    } catch (JsonSchemas.InvalidSchemaException e) {
      throw ApiException.invalidAt(at + "/schema" + e.pointer(), e.getMessage());
    }
  }

  /** Refuses a model that cannot honour a response format: 400 naming the model and the capability. */
  static void requireHonouredBy(ChatModelInfo model) {
    try {
      model.require(Set.of(ModelCapability.JSON_SCHEMA));
    } catch (InvalidInputException e) {
      throw ApiException.invalidAt(AT, e.getMessage());
    }
  }

  private static void only(JsonNode node, String at, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!known.contains(f)) {
        throw ApiException.invalidAt(at + "/" + f.replace("~", "~0").replace("/", "~1"), "unknown field '" + f + "'; the fields are " + known.stream().sorted()
            .toList());
      }
    }
  }
}

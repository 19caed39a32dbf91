package dev.quarry.llm.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.quarry.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * JSON Schema (draft 2020-12 unless the schema's {@code $schema} names another) compiled and
 * checked with networknt's json-schema-validator. Remote {@code $ref}s are never fetched: a schema
 * is whatever a caller sent, and resolving its references must not make Quarry call a URL.
 * Shared by tool arguments and structured outputs.
 */
public final class JsonSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));

  /** Draft 2020-12's meta-schema, bundled with the validator (read from its jar, never fetched). */
  private static final Schema META = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

  private JsonSchemas() {}

  /**
   * The schema in {@code json}, compiled; {@code owner} names it in the error when the text is not a
   * JSON object or not a usable schema.
   */
  public static CompiledSchema compile(String json, String owner) {
    Objects.requireNonNull(json, "json");
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("the schema of " + owner + " is not JSON: " + e.getOriginalMessage());
    }
    return compile(node, owner);
  }

  /** {@code node} as a compiled schema; see {@link #compile(String, String)}. */
  public static CompiledSchema compile(JsonNode node, String owner) {
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("the schema of " + owner + " must be a JSON object");
    }
    List<Error> invalid = META.validate(node);
    if (!invalid.isEmpty()) {
      Error first = invalid.getFirst();
      throw new InvalidInputException("the schema of " + owner + " is not a valid JSON Schema (draft 2020-12): "
          + pointer(first.getInstanceLocation().toString()) + ": " + first.getMessage());
    }
    try {
      Schema schema = REGISTRY.getSchema(node);
      schema.initializeValidators();
      return new CompiledSchema(node, schema);
    } catch (RuntimeException e) {
      throw new InvalidInputException("the schema of " + owner + " is not a usable JSON Schema: " + e.getMessage(), e);
    }
  }

  /** One reason an instance does not match: where in it (a JSON pointer, {@code ""} for the root) and why. */
  public record Violation(String pointer, String message) {
    public Violation {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }
  }

  /** A schema ready to check instances; thread-safe. */
  public static final class CompiledSchema {
    private final JsonNode node;
    private final Schema schema;

    private CompiledSchema(JsonNode node, Schema schema) {
      this.node = node;
      this.schema = schema;
    }

    /** The schema as given. */
    public JsonNode node() {
      return node;
    }

    /** Why {@code instance} does not match, in the validator's order; empty when it does. */
    public List<Violation> validate(JsonNode instance) {
      List<Violation> out = new ArrayList<>();
      for (Error e : schema.validate(instance)) {
        String at = e.getInstanceLocation().toString();
        out.add(new Violation(pointer(at), e.getMessage()));
      }
      return out;
    }

    /** {@link #validate(JsonNode)} of JSON text; text that is not JSON is one violation at the root. */
    public List<Violation> validate(String json) {
      JsonNode instance;
      try {
        instance = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        return List.of(new Violation("", "not JSON: " + e.getOriginalMessage()));
      }
      if (instance == null) {
        return List.of(new Violation("", "not JSON: empty"));
      }
      return validate(instance);
    }
  }

  /** The validator's instance location as a JSON pointer ({@code $} and {@code $.a} forms tolerated). */
  static String pointer(String location) {
    if (location.isEmpty() || location.equals("$") || location.equals("/")) {
      return "";
    }
    if (location.startsWith("/")) {
      return location;
    }
    return location.replaceFirst("^\\$", "").replace('.', '/').replaceAll("\\[(\\d+)]", "/$1");
  }
}

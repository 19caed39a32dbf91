package dev.quarry.llm.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.quarry.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JSON Schema, draft 2020-12, for what callers give Quarry to check model output against (a
 * response format, a tool's parameters). {@link #compile} checks a schema and builds its validator
 * once; {@link Compiled#validate} checks a value and returns what is wrong with it, each error with
 * the JSON pointer of the offending part of the value.
 *
 * <p>A schema is refused, with pointers into the schema, when it is not a JSON object, names a
 * dialect other than 2020-12 in {@code $schema}, breaks the 2020-12 meta-schema, references anything
 * but itself ({@code $ref} not starting with {@code #}: nothing is ever fetched), or cannot be built
 * (a reference to a missing definition, a {@code pattern} that is not a regular expression).
 *
 * <p>Validation uses networknt's json-schema-validator. Each compile gets its own registry with its
 * cache off, so schemas of different callers that share an {@code $id} never see each other.
 */
public final class JsonSchemas {

  /** The dialect every schema is read as. */
  public static final String DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();
  /** At most this many errors are reported for one value or schema. */
  public static final int MAX_ERRORS = 20;

  /** Strict reading: one value and nothing after it, no duplicate keys (readers disagree on which one wins). */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
      .pathType(PathType.JSON_POINTER).build();
  private static final Schema META = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      b -> b.schemaRegistryConfig(CONFIG)).getSchema(SchemaLocation.of(DIALECT));

  private JsonSchemas() {}

  /** One thing wrong with a value (or a schema): where, as a JSON pointer ({@code ""} is the whole), and what. */
  public record Violation(String pointer, String message) {
    public Violation {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return (pointer.isEmpty() ? "(root)" : pointer) + ": " + message;
    }
  }

  /** A schema Quarry cannot use; {@link #violations()} point into the schema. */
  public static final class InvalidSchemaException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<Violation> violations;

    InvalidSchemaException(List<Violation> violations) {
      super("invalid JSON Schema: " + String.join("; ", violations.stream().map(Violation::toString).toList()));
      this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
      return violations;
    }

    /** The pointer of the first violation, inside the schema. */
    public String pointer() {
      return violations.getFirst().pointer();
    }
  }

  /** A checked schema with its validator built. Immutable and thread-safe. */
  public static final class Compiled {
    private final JsonNode node;
    private final Schema schema;

    private Compiled(JsonNode node, Schema schema) {
      this.node = node;
      this.schema = schema;
    }

    /** The schema as given. */
    public JsonNode node() {
      return node;
    }

    /** What is wrong with {@code value} (at most {@value #MAX_ERRORS}, in document order); empty when it is valid. */
    public List<Violation> validate(JsonNode value) {
      Objects.requireNonNull(value, "value");
      return violations(schema.validate(value));
    }

    /**
     * {@code text} read as one JSON value and validated; text that is not exactly one JSON value
     * (malformed, empty, with anything but whitespace after it, or with a key twice in an object) is
     * one violation at the root saying why.
     */
    public List<Violation> validate(String text) {
      JsonNode value;
      try {
        value = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        return List.of(new Violation("", "not JSON: " + e.getOriginalMessage()
            + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr())));
      }
      if (value == null || value.isMissingNode()) {
        return List.of(new Violation("", "not JSON: the text is empty"));
      }
      return validate(value);
    }
  }

  /** {@code json} parsed and {@link #compile(JsonNode) compiled}; text that is not JSON is an invalid schema. */
  public static Compiled compile(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidSchemaException(List.of(new Violation("", "not JSON: " + e.getOriginalMessage())));
    }
    return compile(node == null ? JSON.missingNode() : node);
  }

  /** Checks {@code schema} and builds its validator, or throws {@link InvalidSchemaException} saying where it is wrong. */
  public static Compiled compile(JsonNode schema) {
    Objects.requireNonNull(schema, "schema");
    if (!schema.isObject()) {
      throw new InvalidSchemaException(List.of(new Violation("", "a schema must be a JSON object, got: "
          + (schema.isMissingNode() ? "nothing" : schema.getNodeType().name().toLowerCase(java.util.Locale.ROOT)))));
    }
    JsonNode dialect = schema.get("$schema");
    if (dialect != null && !(dialect.isTextual() && dialect.textValue().replaceAll("#$", "").equals(DIALECT))) {
      throw new InvalidSchemaException(List.of(new Violation("/$schema", "only draft 2020-12 is supported ("
          + DIALECT + "), got: " + dialect)));
    }
    List<Violation> wrong = new ArrayList<>(violations(META.validate(schema)));
    if (wrong.isEmpty()) {
      remoteReferences(schema, "", wrong);
    }
    if (!wrong.isEmpty()) {
      throw new InvalidSchemaException(wrong);
    }
    try {
      Schema built = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
          b -> b.schemaRegistryConfig(CONFIG).schemaCacheEnabled(false)).getSchema(schema);
      built.initializeValidators();
      return new Compiled(schema, built);
    } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSchemaException(List.of(new Violation("", "cannot be built: " + e.getMessage())));
    }
  }

  /**
   * {@link #compile(JsonNode)} for a schema a caller declared (a tool's parameters): a bad one is an
   * {@link InvalidInputException} naming {@code owner} and saying where in the schema it is wrong.
   */
  public static Compiled compile(JsonNode schema, String owner) {
    try {
      return compile(schema == null ? JSON.missingNode() : schema);
    } catch (InvalidSchemaException e) {
      throw new InvalidInputException("the schema of " + owner + " is not a usable JSON Schema (draft 2020-12): "
          + String.join("; ", e.violations().stream().map(Violation::toString).toList()));
    }
  }

  /** {@link #compile(JsonNode, String)} of a schema given as JSON text. */
  public static Compiled compile(String json, String owner) {
    try {
      return compile(json);
    } catch (InvalidSchemaException e) {
      throw new InvalidInputException("the schema of " + owner + " is not a usable JSON Schema (draft 2020-12): "
          + String.join("; ", e.violations().stream().map(Violation::toString).toList()));
    }
  }

  /** Every {@code $ref} / {@code $dynamicRef} that is not a fragment of this schema, as a violation. */
  private static void remoteReferences(JsonNode node, String at, List<Violation> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = at + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        if ((e.getKey().equals("$ref") || e.getKey().equals("$dynamicRef")) && e.getValue().isTextual()
            && !e.getValue().textValue().startsWith("#")) {
          out.add(new Violation(child, "only references inside the schema (starting with #) are allowed, got: "
              + e.getValue().textValue()));
        } else {
          remoteReferences(e.getValue(), child, out);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        remoteReferences(node.get(i), at + "/" + i, out);
      }
    }
  }

  private static List<Violation> violations(List<Error> errors) {
    List<Violation> out = new ArrayList<>();
    for (Error e : errors) {
      if (out.size() == MAX_ERRORS) {
        break;
      }
      out.add(new Violation(e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString(), message(e)));
    }
    return out;
  }

  /** networknt's message, without the instance location it starts with (the pointer says it). */
  private static String message(Error e) {
    String m = e.getMessage();
    String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
    if (!at.isEmpty() && m.startsWith(at + ": ")) {
      return m.substring(at.length() + 2);
    }
    if (m.startsWith(": ")) {
      return m.substring(2);
    }
    return m;
  }
}

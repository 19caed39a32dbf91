package dev.quarry.core.chat;

import java.util.Objects;

/**
 * What the answer must be: JSON satisfying {@code schema} (the schema as JSON text) under
 * {@code name}, {@code strict} asking a provider that enforces schemas to do so exactly; or, of
 * {@link Type#JSON_OBJECT}, any JSON object (the schema is then {@value #OBJECT_SCHEMA}).
 */
public record ResponseFormat(Type type, String name, String schema, boolean strict) {

  /** OpenAI's two kinds: {@code json_schema} and {@code json_object}. */
  public enum Type {
    JSON_SCHEMA,
    JSON_OBJECT;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The schema of {@link Type#JSON_OBJECT}. */
  public static final String OBJECT_SCHEMA = "{\"type\":\"object\"}";

  public ResponseFormat {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
  }

  /** A {@link Type#JSON_SCHEMA} format. */
  public ResponseFormat(String name, String schema, boolean strict) {
    this(Type.JSON_SCHEMA, name, schema, strict);
  }

  /** Any JSON object. */
  public static ResponseFormat jsonObject() {
    return new ResponseFormat(Type.JSON_OBJECT, "json_object", OBJECT_SCHEMA, false);
  }
}

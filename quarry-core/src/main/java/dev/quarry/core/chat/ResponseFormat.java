package dev.quarry.core.chat;

import java.util.Objects;

/** A JSON Schema the answer must satisfy; {@code schema} is the schema as JSON text. */
public record ResponseFormat(String name, String schema, boolean strict) {
  public ResponseFormat {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
  }
}

package dev.quarry.runtime.structured;

import dev.quarry.core.chat.ResponseFormat;
import dev.quarry.llm.schema.JsonSchemas;
import java.util.Objects;

/**
 * A request's response format with its schema checked and compiled, once, where the request is
 * read; every answer to it is validated against {@link #validator()}.
 */
public record OutputSchema(ResponseFormat format, JsonSchemas.Compiled validator) {
  public OutputSchema {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(validator, "validator");
  }

  /** {@code format} with its schema compiled; a bad schema is {@link JsonSchemas.InvalidSchemaException}. */
  public static OutputSchema of(ResponseFormat format) {
    return new OutputSchema(format, JsonSchemas.compile(format.schema()));
  }
}

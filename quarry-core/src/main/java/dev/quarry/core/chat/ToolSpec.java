package dev.quarry.core.chat;

import java.util.Objects;

/**
 * A tool offered to a model, in OpenAI's function format: {@code parametersSchema} is a JSON Schema
 * document as JSON text (the core carries it, adapters parse it).
 */
public record ToolSpec(String name, String description, String parametersSchema) {
  public ToolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersSchema, "parametersSchema");
    if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("tool name must be 1-64 of [A-Za-z0-9_-], got: " + name);
    }
  }
}

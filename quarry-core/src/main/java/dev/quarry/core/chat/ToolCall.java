package dev.quarry.core.chat;

import java.util.Objects;

/** A model's request to call a tool: {@code arguments} is the JSON text the model produced, unvalidated. */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}

package dev.quarry.llm.testing;

import java.util.Objects;

/** A tool call a scripted model makes; {@code arguments} is JSON text (an object). */
public record ScriptedToolCall(String id, String name, String arguments) {
  public ScriptedToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}

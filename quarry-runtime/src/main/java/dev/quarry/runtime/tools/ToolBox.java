package dev.quarry.runtime.tools;

import dev.quarry.core.chat.ToolSpec;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.llm.schema.JsonSchemas;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools of one request, by name, each with its argument schema compiled once. Two tools of one
 * name, or a schema that is not a usable JSON Schema, are the caller's mistake.
 */
public final class ToolBox {

  /** A tool with its compiled argument schema. */
  public record Bound(Tool tool, JsonSchemas.Compiled schema) {}

  private final Map<String, Bound> tools;

  private ToolBox(Map<String, Bound> tools) {
    this.tools = tools;
  }

  public static ToolBox of(Collection<? extends Tool> tools) {
    Map<String, Bound> byName = new LinkedHashMap<>();
    for (Tool t : tools) {
      ToolSpec spec = t.spec();
      JsonSchemas.Compiled schema = JsonSchemas.compile(spec.parametersSchema(), "tool " + spec.name());
      if (byName.putIfAbsent(spec.name(), new Bound(t, schema)) != null) {
        throw new InvalidInputException("two tools are named " + spec.name());
      }
    }
    return new ToolBox(byName);
  }

  public Optional<Bound> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  public boolean isEmpty() {
    return tools.isEmpty();
  }

  public List<String> names() {
    return List.copyOf(tools.keySet());
  }

  /** The declarations offered to the model, in the order the tools were given. */
  public List<ToolSpec> specs() {
    List<ToolSpec> out = new ArrayList<>();
    tools.values().forEach(b -> out.add(b.tool().spec()));
    return out;
  }
}

package dev.quarry.llm.wire;

import dev.quarry.core.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds tool calls from streamed pieces keyed by their index: the first piece names the call's id
 * and tool, later ones append to its JSON arguments.
 */
public final class ToolCallAssembler {

  private static final class Pending {
    String id = "";
    String name = "";
    final StringBuilder arguments = new StringBuilder();
  }

  private final Map<Integer, Pending> calls = new TreeMap<>();

  /** Records the id and name of call {@code index} where given (non-empty). */
  public void start(int index, String id, String name) {
    Pending p = calls.computeIfAbsent(index, i -> new Pending());
    if (!id.isEmpty()) {
      p.id = id;
    }
    if (!name.isEmpty()) {
      p.name = name;
    }
  }

  public void appendArguments(int index, String piece) {
    calls.computeIfAbsent(index, i -> new Pending()).arguments.append(piece);
  }

  /** Replaces the arguments of call {@code index} (a block that came whole). */
  public void setArguments(int index, String json) {
    StringBuilder args = calls.computeIfAbsent(index, i -> new Pending()).arguments;
    args.setLength(0);
    args.append(json);
  }

  public boolean isEmpty() {
    return calls.isEmpty();
  }

  /** Characters of arguments received so far, over all calls. */
  public String argumentsSoFar() {
    StringBuilder all = new StringBuilder();
    calls.values().forEach(p -> all.append(p.name).append(p.arguments));
    return all.toString();
  }

  /** The calls in index order; a call whose arguments never came gets {@code {}}. */
  public List<ToolCall> toolCalls(String model) {
    List<ToolCall> out = new ArrayList<>();
    for (Map.Entry<Integer, Pending> e : calls.entrySet()) {
      Pending p = e.getValue();
      if (p.id.isEmpty() || p.name.isEmpty()) {
        throw UpstreamFailures.malformed(model, "tool call " + e.getKey() + " has no " + (p.id.isEmpty() ? "id" : "name"), null);
      }
      out.add(new ToolCall(p.id, p.name, p.arguments.isEmpty() ? "{}" : p.arguments.toString()));
    }
    return out;
  }
}

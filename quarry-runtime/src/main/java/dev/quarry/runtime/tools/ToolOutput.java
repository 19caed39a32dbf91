package dev.quarry.runtime.tools;

import dev.quarry.runtime.retrieve.RetrievedChunk;
import java.util.List;
import java.util.Objects;

/**
 * What a tool returned: either {@code text} (JSON or plain text, given to the model as is) or
 * {@code passages} from documents, which the tool loop numbers so the model can cite them as
 * {@code [n]} and the answer carries citations to them.
 */
public record ToolOutput(String text, List<RetrievedChunk> passages) {
  public ToolOutput {
    Objects.requireNonNull(text, "text");
    passages = List.copyOf(passages);
  }

  public static ToolOutput text(String text) {
    return new ToolOutput(text, List.of());
  }

  public static ToolOutput passages(List<RetrievedChunk> passages) {
    return new ToolOutput("", passages);
  }

  public boolean fromDocuments() {
    return text.isEmpty();
  }
}

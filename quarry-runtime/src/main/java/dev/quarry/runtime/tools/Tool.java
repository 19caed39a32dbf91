package dev.quarry.runtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ToolSpec;
import java.time.Instant;

/**
 * A tool a model may call: its declaration (name, description, JSON Schema of its arguments) and
 * the call. {@link ToolLoop} validates the arguments against the schema before calling, so {@code
 * call} sees only arguments that match. A tool bound to a request (its tenant's collections, say)
 * is made per request; tools are called from several threads at once.
 */
public interface Tool {
  ToolSpec spec();

  /**
   * Runs the tool by {@code deadline}. An expected failure (a missing document, a refused address)
   * is a {@link ToolException}, whose message goes back to the model.
   */
  ToolOutput call(JsonNode arguments, Instant deadline);
}

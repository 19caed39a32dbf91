package dev.quarry.core.observe;

import java.util.Objects;

/**
 * One call of a tool by a model's request, as OpenTelemetry's GenAI conventions name it ({@code
 * execute_tool}): the tool's name, the model's call id, and how it ended ({@link Outcome}).
 */
public record ToolInvocation(String tool, String callId, Outcome outcome) {
  public ToolInvocation {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** How a tool call ended; every outcome but {@link #OK} went back to the model as a tool error. */
  public enum Outcome {
    OK,
    /** The arguments were not JSON or did not match the tool's schema; the tool was not called. */
    INVALID_ARGUMENTS,
    /** The model named a tool it was not offered. */
    UNKNOWN_TOOL,
    /** The tool ran and failed (an upstream error, a refused address, a missing document). */
    ERROR,
    /** The tool did not finish by its timeout or the request's deadline. */
    TIMEOUT;

    /** The span attribute and metric label value, e.g. {@code invalid_arguments}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}

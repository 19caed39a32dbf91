package dev.quarry.runtime.tools;

import dev.quarry.core.observe.ToolInvocation;
import java.time.Duration;
import java.util.Objects;

/** One tool call a loop made: which, in which step (from 1), how it ended, how long it took, and the error the model was told. */
public record ToolCallRecord(int step, String id, String tool, ToolInvocation.Outcome outcome, Duration latency,
    String error) {
  public ToolCallRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(error, "error");
  }
}

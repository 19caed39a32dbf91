package dev.quarry.core.chat;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A finished model call: the text (empty when the model only asked for tools), the tool calls,
 * usage, and the upstream's own model name. {@code timeToFirstToken} is present for streamed calls.
 */
public record ChatResponse(
    String text,
    List<ToolCall> toolCalls,
    FinishReason finishReason,
    TokenUsage usage,
    String upstreamModel,
    Optional<Duration> timeToFirstToken) {

  public ChatResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(upstreamModel, "upstreamModel");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
  }
}

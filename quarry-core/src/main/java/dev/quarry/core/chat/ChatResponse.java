package dev.quarry.core.chat;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A finished model call: the text (empty when the model only asked for tools), the tool calls,
 * usage, the upstream's own model name, and {@code model}, Quarry's name of the model that
 * answered (a route's answer names the model of the route that gave it: the ledger prices and
 * records the call by it). {@code timeToFirstToken} is present for streamed calls.
 */
public record ChatResponse(
    String text,
    List<ToolCall> toolCalls,
    FinishReason finishReason,
    TokenUsage usage,
    String upstreamModel,
    Optional<Duration> timeToFirstToken,
    String model) {

  public ChatResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(upstreamModel, "upstreamModel");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    Objects.requireNonNull(model, "model");
  }

  /**
   * A response whose Quarry model name is not known where it is read (a wire protocol): {@code model}
   * is the upstream name until the {@link ChatModel} that made the call stamps its own with
   * {@link #withModel}.
   */
  public ChatResponse(String text, List<ToolCall> toolCalls, FinishReason finishReason, TokenUsage usage,
      String upstreamModel, Optional<Duration> timeToFirstToken) {
    this(text, toolCalls, finishReason, usage, upstreamModel, timeToFirstToken, upstreamModel);
  }

  /** This response, answered by the model Quarry calls {@code name}. */
  public ChatResponse withModel(String name) {
    return new ChatResponse(text, toolCalls, finishReason, usage, upstreamModel, timeToFirstToken, name);
  }
}

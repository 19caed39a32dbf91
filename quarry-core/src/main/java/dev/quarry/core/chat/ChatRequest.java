package dev.quarry.core.chat;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One call to a chat model. {@code deadline} bounds the whole call, streaming included: a provider
 * gives up (and releases its connection) when it passes. Tools and a response format are offered
 * only to models whose {@link ChatModelInfo#capabilities()} include them; the router checks that.
 */
public record ChatRequest(
    List<ChatMessage> messages,
    OptionalInt maxTokens,
    OptionalDouble temperature,
    List<ToolSpec> tools,
    Optional<ResponseFormat> responseFormat,
    Instant deadline,
    Optional<ToolChoice> toolChoice) {

  /** A request that leaves the tool choice to the provider's default. */
  public ChatRequest(List<ChatMessage> messages, OptionalInt maxTokens, OptionalDouble temperature,
      List<ToolSpec> tools, Optional<ResponseFormat> responseFormat, Instant deadline) {
    this(messages, maxTokens, temperature, tools, responseFormat, deadline, Optional.empty());
  }

  public ChatRequest {
    Objects.requireNonNull(toolChoice, "toolChoice");
    if (toolChoice.isPresent() && tools.isEmpty() && toolChoice.get().mode() != ToolChoice.Mode.NONE) {
      throw new IllegalArgumentException("tool_choice needs tools");
    }
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(responseFormat, "responseFormat");
    Objects.requireNonNull(deadline, "deadline");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request needs at least one message");
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1, got: " + maxTokens.getAsInt());
    }
    if (temperature.isPresent() && (temperature.getAsDouble() < 0 || temperature.getAsDouble() > 2)) {
      throw new IllegalArgumentException("temperature must be in 0..2, got: " + temperature.getAsDouble());
    }
  }

  /** Plain messages with no tools, no response format and no token or temperature setting. */
  public static ChatRequest of(List<ChatMessage> messages, Instant deadline) {
    return new ChatRequest(messages, OptionalInt.empty(), OptionalDouble.empty(), List.of(), Optional.empty(), deadline);
  }
}

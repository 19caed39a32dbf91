package dev.quarry.core.chat;

import java.math.BigDecimal;
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
 * {@code maxCost}, the caller's cost cap in the prices' currency, makes a router skip the models
 * whose worst case (the prompt plus {@code maxTokens}) would cost more. {@code promptBound}, when the
 * caller counted the prompt's parts already, spares a router counting the whole again (see {@link
 * PromptTokenBound}).
 */
public record ChatRequest(
    List<ChatMessage> messages,
    OptionalInt maxTokens,
    OptionalDouble temperature,
    List<ToolSpec> tools,
    Optional<ResponseFormat> responseFormat,
    Instant deadline,
    Optional<ToolChoice> toolChoice,
    Optional<BigDecimal> maxCost,
    Optional<PromptTokenBound> promptBound) {

  /** A request without a known bound of its prompt's tokens. */
  public ChatRequest(List<ChatMessage> messages, OptionalInt maxTokens, OptionalDouble temperature,
      List<ToolSpec> tools, Optional<ResponseFormat> responseFormat, Instant deadline,
      Optional<ToolChoice> toolChoice, Optional<BigDecimal> maxCost) {
    this(messages, maxTokens, temperature, tools, responseFormat, deadline, toolChoice, maxCost, Optional.empty());
  }

  /** A request that leaves the tool choice to the provider's default, without a cost cap. */
  public ChatRequest(List<ChatMessage> messages, OptionalInt maxTokens, OptionalDouble temperature,
      List<ToolSpec> tools, Optional<ResponseFormat> responseFormat, Instant deadline) {
    this(messages, maxTokens, temperature, tools, responseFormat, deadline, Optional.empty(), Optional.empty());
  }

  public ChatRequest {
    Objects.requireNonNull(promptBound, "promptBound");
    Objects.requireNonNull(maxCost, "maxCost");
    if (maxCost.isPresent() && maxCost.get().signum() < 0) {
      throw new IllegalArgumentException("max_cost must be at least 0, got: " + maxCost.get().toPlainString());
    }
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

  /**
   * The capabilities a model needs to be given this request: {@code tools} for tools, {@code
   * json_schema} for a response format. {@link ChatModelInfo#lacking} compares them to a model's.
   */
  public java.util.Set<ModelCapability> needs() {
    java.util.EnumSet<ModelCapability> out = java.util.EnumSet.noneOf(ModelCapability.class);
    if (!tools.isEmpty()) {
      out.add(ModelCapability.TOOLS);
    }
    if (responseFormat.isPresent()) {
      out.add(ModelCapability.JSON_SCHEMA);
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  /** The same request with another deadline. */
  public ChatRequest withDeadline(Instant newDeadline) {
    return new ChatRequest(messages, maxTokens, temperature, tools, responseFormat, newDeadline, toolChoice,
        maxCost, promptBound);
  }

  /** The same request with another {@code max_tokens}. */
  public ChatRequest withMaxTokens(int max) {
    return new ChatRequest(messages, OptionalInt.of(max), temperature, tools, responseFormat, deadline, toolChoice,
        maxCost, promptBound);
  }

  /** The same request with a cost cap. */
  public ChatRequest withMaxCost(Optional<BigDecimal> cap) {
    return new ChatRequest(messages, maxTokens, temperature, tools, responseFormat, deadline, toolChoice, cap,
        promptBound);
  }

  /** The same request with what its caller knows of its prompt's tokens. */
  public ChatRequest withPromptBound(PromptTokenBound bound) {
    return new ChatRequest(messages, maxTokens, temperature, tools, responseFormat, deadline, toolChoice, maxCost,
        Optional.of(bound));
  }

  /** Plain messages with no tools, no response format and no token or temperature setting. */
  public static ChatRequest of(List<ChatMessage> messages, Instant deadline) {
    return new ChatRequest(messages, OptionalInt.empty(), OptionalDouble.empty(), List.of(), Optional.empty(), deadline);
  }
}

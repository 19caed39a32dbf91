package dev.quarry.runtime.generate;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.embed.Embedder;
import dev.quarry.runtime.assemble.Context;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What a generator answers from: the question, the numbered context, the conversation before it
 * (already cut to its budget), the caller's limits, the deadline, and the embedder of each
 * collection a passage came from (for the extractive answerer's similarity), and the caller's cost cap.
 */
public record GenerationInput(String question, Context context, List<ChatMessage> history, OptionalInt maxTokens,
    OptionalDouble temperature, Instant deadline, Map<String, Embedder> embedders, Optional<BigDecimal> maxCost) {

  /** An input without a cost cap. */
  public GenerationInput(String question, Context context, List<ChatMessage> history, OptionalInt maxTokens,
      OptionalDouble temperature, Instant deadline, Map<String, Embedder> embedders) {
    this(question, context, history, maxTokens, temperature, deadline, embedders, Optional.empty());
  }

  public GenerationInput {
    Objects.requireNonNull(maxCost, "maxCost");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(context, "context");
    history = List.copyOf(history);
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(deadline, "deadline");
    embedders = Map.copyOf(embedders);
  }
}

package dev.quarry.runtime;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.index.Filter;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.runtime.retrieve.UserMemories;
import dev.quarry.runtime.structured.OutputSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One question to answer: the question, the conversation before it (a session's turns and the
 * caller's earlier messages, oldest first), the collections to answer from, how many passages to
 * retrieve, a metadata filter, the model (or route), the caller's limits, the deadline of the whole
 * request, the memories of the end user asking, if known, the caller's cost cap per model call, and
 * the response format the answer must satisfy, if any (then the answer is JSON: see {@link
 * dev.quarry.runtime.structured.StructuredCall}).
 */
public record AnswerRequest(String question, List<ChatMessage> history, List<Source> sources, int k,
    Optional<Filter> filter, String model, OptionalInt maxTokens, OptionalDouble temperature, Instant deadline,
    Optional<UserMemories> memories, Optional<BigDecimal> maxCost, Optional<OutputSchema> responseFormat) {

  /** A question answered in text, without a cost cap. */
  public AnswerRequest(String question, List<ChatMessage> history, List<Source> sources, int k,
      Optional<Filter> filter, String model, OptionalInt maxTokens, OptionalDouble temperature, Instant deadline,
      Optional<UserMemories> memories) {
    this(question, history, sources, k, filter, model, maxTokens, temperature, deadline, memories, Optional.empty(),
        Optional.empty());
  }

  /** The same question, its answer to satisfy {@code format}. */
  public AnswerRequest withResponseFormat(Optional<OutputSchema> format) {
    return new AnswerRequest(question, history, sources, k, filter, model, maxTokens, temperature, deadline, memories,
        maxCost, format);
  }

  /** A question of no known end user: no memories. */
  public AnswerRequest(String question, List<ChatMessage> history, List<Source> sources, int k,
      Optional<Filter> filter, String model, OptionalInt maxTokens, OptionalDouble temperature, Instant deadline) {
    this(question, history, sources, k, filter, model, maxTokens, temperature, deadline, Optional.empty());
  }

  /** The same question with a cost cap for its model calls (a route skips models whose worst case costs more). */
  public AnswerRequest withMaxCost(Optional<BigDecimal> cap) {
    return new AnswerRequest(question, history, sources, k, filter, model, maxTokens, temperature, deadline, memories,
        cap, responseFormat);
  }

  public AnswerRequest {
    Objects.requireNonNull(memories, "memories");
    Objects.requireNonNull(responseFormat, "responseFormat");
    Objects.requireNonNull(maxCost, "maxCost");
    Objects.requireNonNull(question, "question");
    history = List.copyOf(history);
    sources = List.copyOf(sources);
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(deadline, "deadline");
    if (question.isBlank()) {
      throw new IllegalArgumentException("the question must not be blank");
    }
    if (k < 1 || k > AnswerSettings.MAX_K) {
      throw new IllegalArgumentException("k must be in 1.." + AnswerSettings.MAX_K + ", got: " + k);
    }
  }
}

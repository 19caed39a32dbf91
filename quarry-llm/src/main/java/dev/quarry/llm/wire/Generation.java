package dev.quarry.llm.wire;

import dev.quarry.core.chat.ChatMessage;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.TokenCounter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state of one model call as its answer arrives: the text so far (each piece passed on to the
 * caller's {@link ChatStream}), the time to the first piece, tool calls, and what the provider said
 * about usage. A failure after the first piece is marked so, with the usage up to then: the
 * provider's figures where it sent them, the rest counted with the model's tokenizer.
 */
public final class Generation {

  private final List<ChatMessage> prompt;
  private final ChatStream stream;
  private final TokenCounter tokens;
  private final Clock clock;
  private final Instant started;
  private final StringBuilder text = new StringBuilder();
  private final ToolCallAssembler toolCalls = new ToolCallAssembler();
  private Optional<Duration> timeToFirstToken = Optional.empty();
  private OptionalLong inputTokens = OptionalLong.empty();
  private OptionalLong outputTokens = OptionalLong.empty();
  private long cachedTokens;

  public Generation(List<ChatMessage> prompt, ChatStream stream, TokenCounter tokens, Clock clock) {
    this.prompt = prompt;
    this.stream = stream;
    this.tokens = tokens;
    this.clock = clock;
    this.started = clock.instant();
  }

  /** A piece of the answer's text: kept, and handed to the caller (which may throw to cancel). */
  public void text(String piece) {
    if (piece.isEmpty()) {
      return;
    }
    markFirstToken();
    text.append(piece);
    stream.onDelta(piece);
  }

  /** A piece that is not text (a tool call's start or arguments) also ends the wait for the first token. */
  public void markFirstToken() {
    if (timeToFirstToken.isEmpty()) {
      timeToFirstToken = Optional.of(Duration.between(started, clock.instant()));
    }
  }

  public ToolCallAssembler toolCalls() {
    return toolCalls;
  }

  public String text() {
    return text.toString();
  }

  public Optional<Duration> timeToFirstToken() {
    return timeToFirstToken;
  }

  public void reportInput(long input, long cached) {
    inputTokens = OptionalLong.of(input);
    cachedTokens = cached;
  }

  public void reportOutput(long output) {
    outputTokens = OptionalLong.of(output);
  }

  /** Usage as reported; what the provider did not report is counted (and the usage marked counted). */
  public TokenUsage usage() {
    long in = inputTokens.orElseGet(() -> tokens.countPrompt(prompt));
    long out = outputTokens.orElseGet(() -> tokens.count(text.toString()) + tokens.count(toolCalls.argumentsSoFar()));
    return new TokenUsage(in, out, cachedTokens, inputTokens.isEmpty() || outputTokens.isEmpty());
  }

  /** {@code e}, marked as after the first token with the usage so far when an answer had begun. */
  public ModelException fail(ModelException e) {
    if (timeToFirstToken.isEmpty() || e.isAfterFirstToken()) {
      return e;
    }
    return e.afterFirstToken(usage());
  }
}

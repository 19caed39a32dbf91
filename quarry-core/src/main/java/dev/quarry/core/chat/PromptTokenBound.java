package dev.quarry.core.chat;

import java.util.Objects;

/**
 * What a caller already knows of a request's prompt: its messages take at most {@code tokens}
 * tokens of the encoding named {@code encoding} (e.g. {@code o200k_base}), counted as a prompt is
 * (each message's content plus the chat format's tokens), tools and response format not included.
 * A router checking a context window trusts it only for a model whose tokenizer has that encoding,
 * and only to let a prompt through: a prompt is refused on an exact count, never on a bound.
 */
public record PromptTokenBound(String encoding, long tokens) {
  public PromptTokenBound {
    Objects.requireNonNull(encoding, "encoding");
    if (encoding.isBlank()) {
      throw new IllegalArgumentException("a prompt token bound needs its encoding's name");
    }
    if (tokens < 0) {
      throw new IllegalArgumentException("a prompt token bound must be at least 0, got: " + tokens);
    }
  }
}

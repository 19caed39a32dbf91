package dev.quarry.core.chunk;

/** An embedding model's own tokenizer, used to measure chunk sizes in the model's tokens. */
public interface Tokenizer {
  /** Tokens of {@code text} with their character offsets, without special tokens. */
  TokenSpans tokenize(String text);

  /** How many content tokens one model input holds (the model's maximum minus special tokens). */
  int maxContentTokens();
}

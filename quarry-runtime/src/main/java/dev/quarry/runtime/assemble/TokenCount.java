package dev.quarry.runtime.assemble;

import dev.quarry.core.text.Words;

/**
 * Measures text in a generator's own tokens, so that the context fits the model that reads it: a
 * remote model's tokenizer (or quarry-llm's estimate of it), or {@link #WORDS} for the extractive
 * answerer, which has no tokenizer.
 */
@FunctionalInterface
public interface TokenCount {

  int count(String text);

  /** Runs of non-white-space characters ({@link Words}). */
  TokenCount WORDS = Words::count;
}

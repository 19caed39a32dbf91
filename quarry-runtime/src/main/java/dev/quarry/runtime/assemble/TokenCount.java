package dev.quarry.runtime.assemble;

/**
 * Measures text in a generator's own tokens, so that the context fits the model that reads it: a
 * remote model's tokenizer (or quarry-llm's estimate of it), or {@link #WORDS} for the extractive
 * answerer, which has no tokenizer.
 */
@FunctionalInterface
public interface TokenCount {

  int count(String text);

  /** Runs of non-white-space characters. */
  TokenCount WORDS = text -> {
    int words = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  };
}

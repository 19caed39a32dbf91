package dev.quarry.engine;

import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.core.chunk.Tokenizer;
import java.util.Arrays;

/**
 * Chunk sizes for a remote embedding model, whose own tokenizer is not available: a token is a run
 * of letters and digits, or any other character that is not white space. Subword tokenizers split
 * rare words further, so a chunk of {@code n} of these tokens is usually more of the model's: keep
 * a collection's {@code max_tokens} well under the model's limit ({@code maxContentTokens} is the
 * configured limit minus the two special tokens a model adds).
 */
final class WordTokenizer implements Tokenizer {

  private final int maxContentTokens;

  WordTokenizer(int maxTokens) {
    this.maxContentTokens = Math.max(1, maxTokens - 2);
  }

  @Override
  public TokenSpans tokenize(String text) {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int n = 0;
    int i = 0;
    while (i < text.length()) {
      int c = text.codePointAt(i);
      if (Character.isWhitespace(c)) {
        i += Character.charCount(c);
        continue;
      }
      int start = i;
      if (Character.isLetterOrDigit(c)) {
        while (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
      } else {
        i += Character.charCount(c);
      }
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, n * 2);
        ends = Arrays.copyOf(ends, n * 2);
      }
      starts[n] = start;
      ends[n] = i;
      n++;
    }
    return new TokenSpans(Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
  }

  @Override
  public int maxContentTokens() {
    return maxContentTokens;
  }
}

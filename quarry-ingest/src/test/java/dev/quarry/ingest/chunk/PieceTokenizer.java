package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.core.chunk.Tokenizer;
import java.util.Arrays;

/**
 * A deterministic wordpiece-like tokenizer for tests: whitespace separates; a run of letters and
 * digits is split into pieces of at most four code points; every other code point (punctuation,
 * symbols, emoji, combining marks) is a token of its own.
 *
 * <p>With {@code splitsFirstWord}, the first word of any text is split into single code points,
 * so a piece tokenized on its own has more tokens than it had inside the document: the kind of
 * context effect real tokenizers have, which chunkers must survive.
 */
final class PieceTokenizer implements Tokenizer {

  private final int maxContentTokens;
  private final boolean splitsFirstWord;

  PieceTokenizer(int maxContentTokens) {
    this(maxContentTokens, false);
  }

  PieceTokenizer(int maxContentTokens, boolean splitsFirstWord) {
    this.maxContentTokens = maxContentTokens;
    this.splitsFirstWord = splitsFirstWord;
  }

  @Override
  public TokenSpans tokenize(String text) {
    int[] starts = new int[Math.max(16, text.length() / 3)];
    int[] ends = new int[starts.length];
    int n = 0;
    boolean firstWord = splitsFirstWord;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (Character.isWhitespace(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int pieceLimit = firstWord ? 1 : 4;
      int end;
      if (Character.isLetterOrDigit(cp)) {
        end = i;
        int inPiece = 0;
        while (end < text.length() && Character.isLetterOrDigit(text.codePointAt(end))) {
          if (inPiece == pieceLimit) {
            if (n == starts.length) {
              starts = Arrays.copyOf(starts, n * 2);
              ends = Arrays.copyOf(ends, n * 2);
            }
            starts[n] = i;
            ends[n++] = end;
            i = end;
            inPiece = 0;
          }
          end += Character.charCount(text.codePointAt(end));
          inPiece++;
        }
        firstWord = false;
      } else {
        end = i + Character.charCount(cp);
      }
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, n * 2);
        ends = Arrays.copyOf(ends, n * 2);
      }
      starts[n] = i;
      ends[n++] = end;
      i = end;
    }
    return new TokenSpans(Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
  }

  @Override
  public int maxContentTokens() {
    return maxContentTokens;
  }
}

package dev.quarry.ingest.chunk;

import java.util.List;

/**
 * Splits a token range into windows of at most {@code size} tokens, consecutive windows sharing at
 * least {@code overlap} tokens, the last resort of every chunker. A window ends at a word break
 * when there is one among its last eighth of tokens (else a punctuation junction, else inside a
 * word), and with an overlap the next window starts at such a break too, which can only make the
 * overlap larger.
 */
final class TokenWindows {

  private static final int LOOKBACK_DIVISOR = 8;

  private TokenWindows() {}

  static void split(TokenizedText tokens, int from, int to, int size, int overlap, List<TokenRange> out) {
    if (size < 1 || overlap < 0 || (overlap > 0 && overlap >= size)) {
      throw new IllegalArgumentException(
          "windows need size >= 1 and 0 <= overlap < size, got size " + size + ", overlap " + overlap);
    }
    int lookback = Math.max(1, size / LOOKBACK_DIVISOR);
    int start = from;
    while (to - start > size) {
      int end = tokens.cutAtOrBefore(start + size, start + 1, lookback);
      if (end >= to) {
        break;
      }
      out.add(new TokenRange(start, end));
      int next = end;
      if (overlap > 0) {
        next = end - overlap > start ? tokens.cutAtOrBefore(end - overlap, start + 1, lookback) : end;
      }
      start = next;
    }
    out.add(new TokenRange(start, to));
  }
}

package dev.quarry.ingest.chunk;

import java.util.List;

/**
 * Splits a token range into windows of at most {@code size} tokens, consecutive windows sharing at
 * least {@code overlap} tokens: the last resort of every chunker.
 *
 * <p>A window ends at a word break when there is one among its last eighth of tokens (else at a
 * punctuation junction, else inside the word), and with an overlap the next window starts at such
 * a break too, which can only make the overlap larger. Each window is checked with {@link
 * PlannedChunking.Fit}: when the tokenizer counts the window's embedding text above the budget
 * (context effects the planning count cannot see), its end moves back, but never to or before the
 * previous window's end; if that is not enough its start moves forward, giving up overlap. So
 * window starts and ends both strictly increase.
 */
final class TokenWindows {

  private static final int LOOKBACK_DIVISOR = 8;

  private TokenWindows() {}

  static void split(
      TokenizedText tokens, int from, int to, int size, int overlap, PlannedChunking.Fit fit, List<TokenRange> out) {
    if (size < 1 || overlap < 0 || (overlap > 0 && overlap >= size)) {
      throw new IllegalArgumentException(
          "windows need size >= 1 and 0 <= overlap < size, got size " + size + ", overlap " + overlap);
    }
    if (from == to) {
      out.add(new TokenRange(from, to)); // a text without tokens is still one chunk
      return;
    }
    int lookback = Math.max(1, size / LOOKBACK_DIVISOR);
    int start = from;
    int previousEnd = from;
    while (true) {
      int end = to - start <= size ? to : tokens.cutAtOrBefore(start + size, start + 1, lookback);
      if (end <= previousEnd) {
        end = tokens.cutAfter(previousEnd);
      }
      int excess = fit.excess(start, end);
      while (excess > 0) {
        int lowest = Math.max(start, previousEnd) + 1;
        int shorter = tokens.cutAtOrBefore(Math.max(lowest, end - excess), lowest, lookback);
        if (shorter < end) {
          end = shorter;
        } else if (start < previousEnd) {
          start = tokens.cutAfter(start, Math.min(previousEnd, start + excess));
        } else {
          break; // one unbreakable run of tokens: the assembler deals with it
        }
        excess = fit.excess(start, end);
      }
      out.add(new TokenRange(start, end));
      if (end >= to) {
        return;
      }
      previousEnd = end;
      start =
          overlap > 0 && end - overlap > start
              ? tokens.cutAtOrBefore(end - overlap, start + 1, lookback)
              : end;
    }
  }
}

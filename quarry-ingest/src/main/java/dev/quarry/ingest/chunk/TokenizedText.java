package dev.quarry.ingest.chunk;

import dev.quarry.core.chunk.TokenSpans;
import dev.quarry.core.chunk.Tokenizer;
import java.util.Arrays;

/**
 * A document text with its model tokens, tokenized once; every chunker plans on token indices
 * here instead of re-tokenizing candidate pieces.
 *
 * <p>A <em>cut</em> before token {@code i} is a place a chunk may start or end: the start of the
 * text, its end, or a token that begins after every earlier token has ended and after the previous
 * token began (tokenizers that expand one character, such as a ligature, into several tokens give
 * them the same offsets; cutting between those would split a character). The chunk for tokens
 * {@code [a, b)} covers characters from the start of token {@code a} (0 for the first) to the
 * start of token {@code b} (the end of the text for the last), so characters a tokenizer skips are
 * never lost, and whitespace is trimmed off afterwards.
 */
final class TokenizedText {

  /** Cut quality: between two words (whitespace before the token). */
  static final int WORD_BREAK = 2;

  /** Cut quality: at a punctuation or symbol junction inside a run of non-whitespace. */
  static final int PUNCTUATION_BREAK = 1;

  /** Cut quality: between two pieces of one word. */
  static final int INSIDE_WORD = 0;

  private final String text;
  private final int[] starts;
  private final int[] ends;
  private final boolean[] cut;

  private TokenizedText(String text, int[] starts, int[] ends) {
    this.text = text;
    this.starts = starts;
    this.ends = ends;
    this.cut = new boolean[starts.length + 1];
    cut[0] = true;
    cut[starts.length] = true;
    int maxEnd = 0;
    for (int i = 0; i < starts.length; i++) {
      if (i > 0) {
        cut[i] = starts[i] >= maxEnd && starts[i] > starts[i - 1];
      }
      maxEnd = Math.max(maxEnd, ends[i]);
    }
  }

  /** Tokenizes {@code text} once, checking that the tokenizer's offsets are usable. */
  static TokenizedText of(String text, Tokenizer tokenizer) {
    TokenSpans spans = tokenizer.tokenize(text);
    int[] starts = spans.starts();
    int[] ends = spans.ends();
    for (int i = 0; i < starts.length; i++) {
      if (starts[i] < 0 || ends[i] < starts[i] || ends[i] > text.length()) {
        throw new IllegalStateException(
            "tokenizer returned token " + i + " at [" + starts[i] + ", " + ends[i]
                + ") outside a text of length " + text.length());
      }
      if (i > 0 && starts[i] < starts[i - 1]) {
        throw new IllegalStateException(
            "tokenizer returned unsorted offsets: token " + i + " starts at " + starts[i]
                + ", before token " + (i - 1) + " at " + starts[i - 1]);
      }
    }
    return new TokenizedText(text, starts, ends);
  }

  String text() {
    return text;
  }

  int count() {
    return starts.length;
  }

  boolean isCut(int i) {
    return cut[i];
  }

  /** The first token starting at or after character {@code offset}; {@link #count()} if none. */
  int firstTokenAtOrAfter(int offset) {
    int i = Arrays.binarySearch(starts, offset);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && starts[i - 1] == offset) {
      i--;
    }
    return i;
  }

  /** How good a place the cut before token {@code i} is to end a chunk, see the constants. */
  int quality(int i) {
    if (i == 0 || i == starts.length) {
      return WORD_BREAK;
    }
    int at = starts[i];
    if (at > 0 && Character.isWhitespace(text.charAt(at - 1))) {
      return WORD_BREAK;
    }
    boolean wordBefore = at > 0 && Character.isLetterOrDigit(text.codePointBefore(at));
    boolean wordAfter = Character.isLetterOrDigit(text.codePointAt(at));
    return wordBefore && wordAfter ? INSIDE_WORD : PUNCTUATION_BREAK;
  }

  /** Where the chunk of tokens {@code [from, to)} begins, before trimming whitespace. */
  int charStart(int from) {
    return from == 0 ? 0 : starts[from];
  }

  /** Where the chunk of tokens {@code [from, to)} ends, before trimming whitespace. */
  int charEnd(int to) {
    return to == starts.length ? text.length() : starts[to];
  }

  /** The first cut after token {@code i}. */
  int cutAfter(int i) {
    int j = i + 1;
    while (!cut[j]) {
      j++;
    }
    return j;
  }

  /** The last cut in {@code (i, limit]}, else the first cut after {@code i}. */
  int cutAfter(int i, int limit) {
    for (int j = limit; j > i; j--) {
      if (cut[j]) {
        return j;
      }
    }
    return cutAfter(i);
  }

  /**
   * The best cut in {@code [max(floor, ideal - lookback), ideal]}: the latest word break, else the
   * latest punctuation break, else the latest cut of any kind; else the latest cut down to {@code
   * floor}; else the first cut after {@code ideal} (only when tokens overlap for that long).
   */
  int cutAtOrBefore(int ideal, int floor, int lookback) {
    int lowest = Math.max(floor, ideal - lookback);
    int punctuation = -1;
    int any = -1;
    for (int i = ideal; i >= lowest; i--) {
      if (!cut[i]) {
        continue;
      }
      int quality = quality(i);
      if (quality == WORD_BREAK) {
        return i;
      }
      if (quality == PUNCTUATION_BREAK && punctuation < 0) {
        punctuation = i;
      }
      if (any < 0) {
        any = i;
      }
    }
    if (punctuation >= 0) {
      return punctuation;
    }
    if (any >= 0) {
      return any;
    }
    for (int i = lowest - 1; i >= floor; i--) {
      if (cut[i]) {
        return i;
      }
    }
    int i = ideal + 1;
    while (!cut[i]) {
      i++;
    }
    return i;
  }
}

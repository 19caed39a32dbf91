package dev.quarry.ingest.chunk;

import java.util.Arrays;

/**
 * Cuts of one structural kind (headings, paragraphs, sentences) as token indices, each with a
 * rank: a heading's level, 0 for the others. Splitting a range uses only the cuts of the smallest
 * rank inside it, so a section splits at its subsections before their own subsections.
 */
final class Boundaries {

  private final int[] cuts;
  private final int[] ranks;

  private Boundaries(int[] cuts, int[] ranks) {
    this.cuts = cuts;
    this.ranks = ranks;
  }

  /** Boundaries at {@code charOffsets} (ascending), all of rank 0. */
  static Boundaries atOffsets(TokenizedText tokens, int[] charOffsets) {
    return atOffsets(tokens, charOffsets, new int[charOffsets.length]);
  }

  /**
   * Boundaries at {@code charOffsets} (ascending) with their ranks; each moves to the first token
   * at or after it and is dropped unless that is a cut strictly inside the text. Of two boundaries
   * on one token the lower rank wins.
   */
  static Boundaries atOffsets(TokenizedText tokens, int[] charOffsets, int[] ranks) {
    int[] cuts = new int[charOffsets.length];
    int[] cutRanks = new int[charOffsets.length];
    int n = 0;
    for (int i = 0; i < charOffsets.length; i++) {
      int token = tokens.firstTokenAtOrAfter(charOffsets[i]);
      if (token == 0 || token >= tokens.count() || !tokens.isCut(token)) {
        continue;
      }
      if (n > 0 && cuts[n - 1] == token) {
        cutRanks[n - 1] = Math.min(cutRanks[n - 1], ranks[i]);
      } else {
        cuts[n] = token;
        cutRanks[n] = ranks[i];
        n++;
      }
    }
    return new Boundaries(Arrays.copyOf(cuts, n), Arrays.copyOf(cutRanks, n));
  }

  /** The cuts strictly inside {@code (from, to)} that have the smallest rank found there. */
  int[] within(int from, int to) {
    int lo = firstAbove(from);
    int hi = firstAbove(to - 1);
    if (lo >= hi) {
      return new int[0];
    }
    int minRank = Integer.MAX_VALUE;
    for (int i = lo; i < hi; i++) {
      minRank = Math.min(minRank, ranks[i]);
    }
    int[] out = new int[hi - lo];
    int n = 0;
    for (int i = lo; i < hi; i++) {
      if (ranks[i] == minRank) {
        out[n++] = cuts[i];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Index of the first cut greater than {@code token}. */
  private int firstAbove(int token) {
    int i = Arrays.binarySearch(cuts, token);
    return i >= 0 ? i + 1 : -i - 1;
  }
}

package dev.quarry.ingest.chunk;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans chunks by recursive splitting and greedy merging: a range that fits the capacity is one
 * chunk; a larger one splits at the first level of {@link Boundaries} that has cuts inside it, and
 * its pieces are packed greedily in order into groups that fit. A piece that is itself too large
 * is split the same way (first by finer boundaries of the same level, such as subsections, then by
 * the next level) and is never merged with its neighbours, so a chunk does not start in the middle
 * of a section or paragraph that could have started it. Token windows are the last resort.
 */
final class GreedyPacker {

  private final TokenizedText tokens;
  private final int capacity;
  private final List<Boundaries> levels;
  private final PlannedChunking.Fit fit;

  GreedyPacker(TokenizedText tokens, int capacity, List<Boundaries> levels, PlannedChunking.Fit fit) {
    this.tokens = tokens;
    this.capacity = capacity;
    this.levels = levels;
    this.fit = fit;
  }

  List<TokenRange> plan() {
    List<TokenRange> out = new ArrayList<>();
    split(0, 0, tokens.count(), out);
    return out;
  }

  private void split(int level, int from, int to, List<TokenRange> out) {
    if (to - from <= capacity) {
      out.add(new TokenRange(from, to));
      return;
    }
    if (level == levels.size()) {
      TokenWindows.split(tokens, from, to, capacity, 0, fit, out);
      return;
    }
    int[] cuts = levels.get(level).within(from, to);
    if (cuts.length == 0) {
      split(level + 1, from, to, out);
      return;
    }
    int groupFrom = -1;
    int groupTo = -1;
    for (int i = 0; i <= cuts.length; i++) {
      int a = i == 0 ? from : cuts[i - 1];
      int b = i == cuts.length ? to : cuts[i];
      if (b - a > capacity) {
        if (groupFrom >= 0) {
          out.add(new TokenRange(groupFrom, groupTo));
          groupFrom = -1;
        }
        split(level, a, b, out);
      } else if (groupFrom >= 0 && b - groupFrom <= capacity) {
        groupTo = b;
      } else {
        if (groupFrom >= 0) {
          out.add(new TokenRange(groupFrom, groupTo));
        }
        groupFrom = a;
        groupTo = b;
      }
    }
    if (groupFrom >= 0) {
      out.add(new TokenRange(groupFrom, groupTo));
    }
  }
}

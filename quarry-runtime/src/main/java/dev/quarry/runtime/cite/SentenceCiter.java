package dev.quarry.runtime.cite;

import dev.quarry.core.index.StoredChunk;
import dev.quarry.runtime.assemble.Context;
import dev.quarry.runtime.assemble.Passage;
import dev.quarry.runtime.text.Sentences;
import dev.quarry.runtime.text.Span;
import dev.quarry.runtime.text.Terms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes markers naming no passage ({@link MarkerFilter}), then cites each passage the answer
 * names, in order of first mention. The quote is the passage's sentence most like the claim the
 * marker ends (the answer's text since the previous sentence end or marker), by Jaccard overlap of
 * content words; an extractive answer's claim is the passage's own sentence, so it quotes exactly
 * that. Offsets are the chunk's offsets into the stored document plus the sentence's offsets in the
 * chunk, so {@code document.substring(start, end)} is the quote.
 */
public final class SentenceCiter implements Citer {

  private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,4}(?:\\s*,\\s*\\d{1,4})*)\\]");

  @Override
  public Cited cite(String answer, Context context) {
    MarkerFilter.Filtered filtered = MarkerFilter.apply(answer, n -> context.passage(n).isPresent());
    String text = filtered.text();
    Map<Integer, Citation> cited = new LinkedHashMap<>();
    Matcher m = MARKER.matcher(text);
    int claimStart = 0;
    while (m.find()) {
      String claim = claimBefore(text, claimStart, m.start());
      for (String part : m.group(1).split(",")) {
        int n = Integer.parseInt(part.strip());
        if (!cited.containsKey(n)) {
          context.passage(n).ifPresent(p -> cited.put(n, citation(p, claim)));
        }
      }
      claimStart = m.end();
    }
    return new Cited(text, List.copyOf(cited.values()), filtered.removed());
  }

  /** The claim a marker at {@code end} closes: its own sentence, from the sentence end before it (or {@code from}) on. */
  private static String claimBefore(String text, int from, int end) {
    int start = from;
    int e = end;
    while (e > from && (Character.isWhitespace(text.charAt(e - 1)) || ".!?".indexOf(text.charAt(e - 1)) >= 0)) {
      e--;
    }
    for (int i = e - 1; i >= from; i--) {
      char c = text.charAt(i);
      if ((c == '.' || c == '!' || c == '?') && Character.isWhitespace(text.charAt(i + 1))) {
        start = i + 1;
        break;
      }
    }
    return text.substring(start, end);
  }

  static Citation citation(Passage p, String claim) {
    StoredChunk c = p.chunk();
    Span best = bestSentence(c.text(), claim);
    return new Citation(p.number(), p.collection(), c.documentId(), c.ordinal(),
        c.start() + best.start(), c.start() + best.end(), best.of(c.text()));
  }

  private static Span bestSentence(String chunk, String claim) {
    List<Span> sentences = new ArrayList<>(Sentences.split(chunk));
    if (sentences.isEmpty()) {
      return new Span(0, chunk.length());
    }
    Set<String> claimTerms = Terms.content(claim);
    Span best = sentences.getFirst();
    double bestScore = -1;
    for (Span s : sentences) {
      double score = Terms.jaccard(claimTerms, Terms.content(s.of(chunk)));
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    return best;
  }
}

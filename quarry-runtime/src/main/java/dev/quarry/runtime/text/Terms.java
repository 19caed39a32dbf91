package dev.quarry.runtime.text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The content words of a text for lexical comparisons: lower-cased runs of letters and digits,
 * without English stop words and one-letter words. Used for overlap scores, near-duplicate
 * detection and the rewrite heuristic, never for retrieval (Lucene's analyzer does that).
 */
public final class Terms {

  /** Function words that carry no topic (a short English list). */
  static final Set<String> STOP_WORDS = Set.of(
      "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for",
      "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of",
      "on", "or", "our", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
      "those", "to", "was", "we", "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with",
      "would", "you", "your", "about", "also", "any", "all", "more", "most", "some", "such", "he", "she", "his",
      "her", "him", "tell", "please", "should", "may", "might", "just", "very", "over", "only", "own", "same", "too");

  private Terms() {}

  /** Every word of {@code text}, lower case, in order, stop words included. */
  public static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && !Character.isLetterOrDigit(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      int start = i;
      while (i < n && Character.isLetterOrDigit(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      if (i > start) {
        out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** The distinct content words of {@code text}, in order of first appearance. */
  public static Set<String> content(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : words(text)) {
      if (w.length() > 1 && !STOP_WORDS.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** |a ∩ b| / |a ∪ b|, 0 when both are empty. */
  public static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return 0;
    }
    int common = 0;
    for (String s : a) {
      if (b.contains(s)) {
        common++;
      }
    }
    return (double) common / (a.size() + b.size() - common);
  }

  /** The share of {@code query}'s terms that {@code text} holds, 0 when {@code query} has none. */
  public static double coverage(Set<String> query, Set<String> text) {
    if (query.isEmpty()) {
      return 0;
    }
    int common = 0;
    for (String s : query) {
      if (text.contains(s)) {
        common++;
      }
    }
    return (double) common / query.size();
  }
}

package dev.quarry.search.snippet;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the passage of a chunk to show: the window of at most {@code maxChars} characters that
 * starts at the sentence (or word) before the first occurrence of a query word, so the user sees
 * why the chunk matched. Falls back to the chunk's opening. Cut at word boundaries, marked with
 * an ellipsis.
 */
public final class Snippets {

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{3,}");

  private Snippets() {}

  public static String of(String text, String query, int maxChars) {
    if (maxChars < 16) {
      throw new IllegalArgumentException("maxChars must be at least 16, got: " + maxChars);
    }
    String flat = text.strip();
    if (flat.length() <= maxChars) {
      return flat;
    }
    Set<String> words = new HashSet<>();
    Matcher q = WORD.matcher(query.toLowerCase(Locale.ROOT));
    while (q.find()) {
      words.add(q.group());
    }
    int anchor = 0;
    Matcher t = WORD.matcher(flat);
    while (t.find()) {
      if (words.contains(t.group().toLowerCase(Locale.ROOT))) {
        anchor = t.start();
        break;
      }
    }
    int start = sentenceStart(flat, anchor, maxChars / 3);
    int end = Math.min(flat.length(), start + maxChars);
    if (end < flat.length()) {
      int space = flat.lastIndexOf(' ', end);
      if (space > start + maxChars / 2) {
        end = space;
      }
    }
    String body = flat.substring(start, end).strip();
    return (start > 0 ? "…" : "") + body + (end < flat.length() ? "…" : "");
  }

  /** The start of the sentence holding {@code anchor}, looking back at most {@code lookBack}. */
  private static int sentenceStart(String s, int anchor, int lookBack) {
    int floor = Math.max(0, anchor - lookBack);
    for (int i = anchor - 1; i > floor; i--) {
      char c = s.charAt(i - 1);
      if ((c == '.' || c == '!' || c == '?' || c == '\n') && Character.isWhitespace(s.charAt(i))) {
        return i + 1 <= anchor ? skipSpace(s, i) : anchor;
      }
    }
    if (floor == 0) {
      return 0;
    }
    int space = s.indexOf(' ', floor);
    return space >= 0 && space < anchor ? space + 1 : anchor;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}

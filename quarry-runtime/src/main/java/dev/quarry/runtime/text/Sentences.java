package dev.quarry.runtime.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into sentences with the JDK's {@link BreakIterator} (Unicode's sentence boundary
 * rules), each trimmed of surrounding white space, so a sentence's span always points at its own
 * first and last visible character. Empty sentences are left out.
 */
public final class Sentences {

  private Sentences() {}

  public static List<Span> split(String text) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(text);
    List<Span> out = new ArrayList<>();
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      int s = start;
      int e = end;
      while (s < e && Character.isWhitespace(text.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
        e--;
      }
      if (e > s) {
        out.add(new Span(s, e));
      }
    }
    return out;
  }
}

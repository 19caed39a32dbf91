package dev.quarry.ingest.chunk;

import java.util.Arrays;

/** Where paragraphs start: the first non-whitespace character after a blank line. */
final class ParagraphBreaks {

  private ParagraphBreaks() {}

  /** Ascending offsets of paragraph starts, excluding the first paragraph. */
  static int[] starts(String text) {
    int[] out = new int[16];
    int n = 0;
    int newlines = 0;
    boolean seenText = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        newlines++;
      } else if (!Character.isWhitespace(c)) {
        if (newlines >= 2 && seenText) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = i;
        }
        newlines = 0;
        seenText = true;
      }
    }
    return Arrays.copyOf(out, n);
  }
}

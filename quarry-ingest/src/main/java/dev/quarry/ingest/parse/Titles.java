package dev.quarry.ingest.parse;

/**
 * How parsers derive a document title when the format has none: the first non-blank line, with
 * whitespace collapsed and clipped to {@value #MAX_LENGTH} characters (never between the two halves
 * of a surrogate pair).
 */
final class Titles {

  static final int MAX_LENGTH = 200;

  private Titles() {}

  /** The first non-blank line of {@code text}, clipped; empty when the text is blank. */
  static String firstLine(String text) {
    int lineStart = 0;
    while (lineStart < text.length()) {
      int lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = text.length();
      }
      String line = text.substring(lineStart, lineEnd);
      if (!line.isBlank()) {
        return clip(line);
      }
      lineStart = lineEnd + 1;
    }
    return "";
  }

  /** {@code title} trimmed, inner whitespace runs collapsed to one space, at most 200 chars. */
  static String clip(String title) {
    StringBuilder out = new StringBuilder(Math.min(title.length(), MAX_LENGTH));
    boolean space = false;
    for (int i = 0; i < title.length() && out.length() < MAX_LENGTH; i++) {
      char c = title.charAt(i);
      if (Character.isWhitespace(c)) {
        space = !out.isEmpty();
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    if (out.length() > MAX_LENGTH) {
      out.setLength(MAX_LENGTH);
    }
    if (!out.isEmpty() && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
      out.setLength(out.length() - 1);
    }
    return out.toString().strip();
  }
}

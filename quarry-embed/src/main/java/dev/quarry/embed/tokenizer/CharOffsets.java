package dev.quarry.embed.tokenizer;

/**
 * Converts code-point offsets (what DJL's tokenizer binding reports) into UTF-16 {@code char}
 * offsets of a Java string. The two differ only after a supplementary character (an emoji, a rare
 * CJK ideograph), which takes two chars but one code point.
 */
final class CharOffsets {

  private final int[] charAtCodePoint;
  private final int length;

  private CharOffsets(int[] charAtCodePoint, int length) {
    this.charAtCodePoint = charAtCodePoint;
    this.length = length;
  }

  static CharOffsets of(String text) {
    int codePoints = text.codePointCount(0, text.length());
    if (codePoints == text.length()) {
      return new CharOffsets(null, text.length());
    }
    int[] table = new int[codePoints + 1];
    int c = 0;
    for (int cp = 0; cp < codePoints; cp++) {
      table[cp] = c;
      c += Character.charCount(text.codePointAt(c));
    }
    table[codePoints] = text.length();
    return new CharOffsets(table, text.length());
  }

  /** The char offset of code point {@code codePoint}, clamped to the text. */
  int toChar(int codePoint) {
    if (charAtCodePoint == null) {
      return Math.clamp(codePoint, 0, length);
    }
    return charAtCodePoint[Math.clamp(codePoint, 0, charAtCodePoint.length - 1)];
  }
}

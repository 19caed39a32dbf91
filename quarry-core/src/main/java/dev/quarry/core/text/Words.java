package dev.quarry.core.text;

/**
 * Words as runs of characters that are not white space: the measure of text where no model
 * tokenizer applies (the extractive answerer's context budget, learned fusion's length feature).
 */
public final class Words {

  private Words() {}

  /** The number of runs of non-white-space characters in {@code text}. */
  public static int count(CharSequence text) {
    int words = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }
}

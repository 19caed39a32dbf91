package dev.quarry.core.document;

/**
 * A heading found by a parser: its level (1 = top), title, and the character offset in the
 * document text where its section starts.
 */
public record Heading(int level, String title, int offset) {
  public Heading {
    if (level < 1 || level > 6) {
      throw new IllegalArgumentException("heading level must be in 1..6, got: " + level);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("heading offset must be >= 0, got: " + offset);
    }
  }
}

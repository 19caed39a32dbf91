package dev.quarry.core.document;

/** The characters [start, end) of a document's text that came from page {@code page} (1-based). */
public record PageSpan(int page, int start, int end) {
  public PageSpan {
    if (page < 1) {
      throw new IllegalArgumentException("page must be >= 1, got: " + page);
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("invalid page span [" + start + ", " + end + ")");
    }
  }
}

package dev.quarry.runtime.text;

/** Characters {@code [start, end)} of some text. */
public record Span(int start, int end) {
  public Span {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("a span needs 0 <= start <= end, got [" + start + ", " + end + ")");
    }
  }

  public String of(String text) {
    return text.substring(start, end);
  }
}

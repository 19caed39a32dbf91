package dev.quarry.core.chunk;

/**
 * The tokens a model's tokenizer finds in a text, as character offsets: token {@code i} covers
 * {@code text.substring(start(i), end(i))}. Special tokens ([CLS], [SEP]) are not included.
 */
public record TokenSpans(int[] starts, int[] ends) {
  public TokenSpans {
    if (starts.length != ends.length) {
      throw new IllegalArgumentException(
          "starts and ends differ in length: " + starts.length + " vs " + ends.length);
    }
  }

  public int count() {
    return starts.length;
  }

  public int start(int i) {
    return starts[i];
  }

  public int end(int i) {
    return ends[i];
  }
}

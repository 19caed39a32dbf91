package dev.quarry.embed.tokenizer;

/**
 * One text as a model receives it: token ids with the model's special tokens, and their token type
 * ids, at most the model's maximum length. {@code untruncatedLength} is how many tokens the text
 * had before truncation (equal to {@code ids.length} when nothing was cut).
 */
public record ModelInput(long[] ids, long[] typeIds, int untruncatedLength) {
  public ModelInput {
    if (ids.length != typeIds.length) {
      throw new IllegalArgumentException(
          "ids and typeIds differ in length: " + ids.length + " vs " + typeIds.length);
    }
    if (untruncatedLength < ids.length) {
      throw new IllegalArgumentException(
          "untruncatedLength " + untruncatedLength + " is below the kept length " + ids.length);
    }
  }

  public int length() {
    return ids.length;
  }

  public boolean truncated() {
    return untruncatedLength > ids.length;
  }
}

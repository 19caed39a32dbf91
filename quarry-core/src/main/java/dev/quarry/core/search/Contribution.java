package dev.quarry.core.search;

/**
 * One retriever's part in a fused result: its 1-based rank and raw score. A {@code completed}
 * contribution is the score the retriever gives a candidate it did not retrieve, computed for fusion
 * (score completion, see {@link Fusion#complete()}); its rank is 0, as it has none in the list.
 */
public record Contribution(String retriever, int rank, double score, boolean completed) {

  public Contribution {
    if (completed ? rank != 0 : rank < 1) {
      throw new IllegalArgumentException(
          "rank must be 0 for a completed contribution and at least 1 otherwise, got: " + rank);
    }
  }

  /** A contribution from the retriever's list. */
  public Contribution(String retriever, int rank, double score) {
    this(retriever, rank, score, false);
  }

  /** The score {@code retriever} gives a candidate it did not retrieve. */
  public static Contribution completed(String retriever, double score) {
    return new Contribution(retriever, 0, score, true);
  }
}

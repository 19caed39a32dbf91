package dev.quarry.eval.metric;

/**
 * One retrieved document and the score its ranking was made with. The score must be finite: it
 * decides the order every metric sees (see {@link Ranking}).
 */
public record ScoredDoc(String docId, double score) {
  public ScoredDoc {
    if (docId == null || docId.isBlank()) {
      throw new IllegalArgumentException("document id must not be blank");
    }
    if (!Double.isFinite(score)) {
      throw new IllegalArgumentException("score of document '" + docId + "' must be finite, got: " + score);
    }
  }
}

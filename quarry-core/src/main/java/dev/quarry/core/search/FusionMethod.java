package dev.quarry.core.search;

/** How hybrid search combines the lexical and vector lists. */
public enum FusionMethod {
  /** Reciprocal rank fusion: sum of 1 / (rankConstant + rank). */
  RRF,
  /** Min-max normalised scores combined as (1 - w) * lexical + w * vector. */
  WEIGHTED,
  /**
   * Distribution-based score fusion: each list's scores min-max normalised between mean - 3 sd and
   * mean + 3 sd, then combined as WEIGHTED combines them.
   */
  DBSF,
  /**
   * A linear scorer over per-candidate features fitted to a collection's relevance judgments by
   * {@code quarry tune} ({@link FusionModel}); the collection supplies its stored model.
   */
  LEARNED
}

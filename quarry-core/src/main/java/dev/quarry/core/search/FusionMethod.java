package dev.quarry.core.search;

/** How hybrid search combines the lexical and vector lists. */
public enum FusionMethod {
  /** Reciprocal rank fusion: sum of 1 / (rankConstant + rank). */
  RRF,
  /** Min-max normalised scores combined as (1 - w) * lexical + w * vector. */
  WEIGHTED
}

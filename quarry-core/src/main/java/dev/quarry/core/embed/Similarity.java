package dev.quarry.core.embed;

/** How vectors of a model are compared. Quarry's models are L2-normalised: dot product. */
public enum Similarity {
  DOT_PRODUCT,
  COSINE
}

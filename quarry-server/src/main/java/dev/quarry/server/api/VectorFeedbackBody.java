package dev.quarry.server.api;

import dev.quarry.core.search.VectorFeedback;
import dev.quarry.server.error.ApiException;
import java.util.Optional;

/**
 * The {@code feedback} field of a search or of a collection's search defaults: vector
 * pseudo-relevance feedback ({@link VectorFeedback}), with how many of the first pass's best results
 * refine the query vector ({@code docs}, default {@value #DEFAULT_DOCS}; 0 turns feedback off for the
 * request) and the weight of their mean against the query ({@code weight}, default {@value
 * #DEFAULT_WEIGHT}). Off unless asked for: see docs/evaluation.md, "Vector pseudo-relevance feedback".
 */
public record VectorFeedbackBody(Integer docs, Double weight) {

  public static final int DEFAULT_DOCS = VectorFeedback.DEFAULT_DOCS;

  public static final double DEFAULT_WEIGHT = VectorFeedback.DEFAULT_WEIGHT;

  /** The feedback this asks for, or none (docs 0); errors point at {@code pointer}'s fields. */
  Optional<VectorFeedback> resolve(String pointer) {
    int d = docs == null ? DEFAULT_DOCS : docs;
    if (d == 0) {
      return Optional.empty();
    }
    if (d < 0 || d > VectorFeedback.MAX_DOCS) {
      throw ApiException.invalidAt(pointer + "/docs", "docs must be in 0.." + VectorFeedback.MAX_DOCS + ", got: " + d);
    }
    double w = weight == null ? DEFAULT_WEIGHT : weight;
    if (!(w > 0 && w <= VectorFeedback.MAX_WEIGHT)) {
      throw ApiException.invalidAt(pointer + "/weight",
          "weight must be in (0, " + (int) VectorFeedback.MAX_WEIGHT + "], got: " + w);
    }
    return Optional.of(new VectorFeedback(d, w));
  }
}

package dev.quarry.core.search;

import java.util.Objects;
import java.util.Optional;

/**
 * Fusion settings. {@code vectorWeight} in [0, 1] is the vector list's share (for RRF it scales
 * each list's reciprocal ranks, 0.5 meaning equal); {@code rankConstant} is RRF's k (60 in the
 * original paper). {@code model} is the learned model of {@link FusionMethod#LEARNED} (empty until
 * the collection searched supplies its stored one; only LEARNED has one).
 *
 * <p>{@code complete} (score completion, off by default; weighted and DBSF only): a candidate that
 * one retriever missed is given its real score in that retriever (its BM25 score, its exact vector
 * similarity), normalised with that list's statistics, instead of the list's floor; it may fall
 * below the floor. See docs/evaluation.md, "Score completion".
 */
public record Fusion(FusionMethod method, double vectorWeight, int rankConstant, Optional<FusionModel> model,
    boolean complete) {

  public Fusion {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(model, "model");
    if (model.isPresent() && method != FusionMethod.LEARNED) {
      throw new IllegalArgumentException("only learned fusion has a model, not " + method);
    }
    if (!(vectorWeight >= 0 && vectorWeight <= 1)) {
      throw new IllegalArgumentException("vector_weight must be in [0, 1], got: " + vectorWeight);
    }
    if (rankConstant < 1) {
      throw new IllegalArgumentException("rank_constant must be at least 1, got: " + rankConstant);
    }
    if (complete && method != FusionMethod.WEIGHTED && method != FusionMethod.DBSF) {
      throw new IllegalArgumentException("score completion applies to weighted and dbsf fusion only, not " + method);
    }
  }

  /** Fusion without score completion. */
  public Fusion(FusionMethod method, double vectorWeight, int rankConstant, Optional<FusionModel> model) {
    this(method, vectorWeight, rankConstant, model, false);
  }

  public Fusion(FusionMethod method, double vectorWeight, int rankConstant) {
    this(method, vectorWeight, rankConstant, Optional.empty());
  }

  /** Learned fusion with {@code model}. */
  public static Fusion learned(FusionModel model) {
    return new Fusion(FusionMethod.LEARNED, 0.5, 60, Optional.of(model));
  }

  /** This learned fusion with {@code m} as its model. */
  public Fusion withModel(FusionModel m) {
    return new Fusion(method, vectorWeight, rankConstant, Optional.of(m), complete);
  }

  /** This fusion with score completion on or off. */
  public Fusion withComplete(boolean on) {
    return new Fusion(method, vectorWeight, rankConstant, model, on);
  }

  public static Fusion rrf() {
    return new Fusion(FusionMethod.RRF, 0.5, 60);
  }

  public static Fusion weighted(double vectorWeight) {
    return new Fusion(FusionMethod.WEIGHTED, vectorWeight, 60);
  }
}

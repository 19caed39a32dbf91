package dev.quarry.core.search;

import java.util.Objects;

/**
 * Fusion settings. {@code vectorWeight} in [0, 1] is the vector list's share (for RRF it scales
 * each list's reciprocal ranks, 0.5 meaning equal); {@code rankConstant} is RRF's k (60 in the
 * original paper).
 */
public record Fusion(FusionMethod method, double vectorWeight, int rankConstant) {

  public Fusion {
    Objects.requireNonNull(method, "method");
    if (!(vectorWeight >= 0 && vectorWeight <= 1)) {
      throw new IllegalArgumentException("vector_weight must be in [0, 1], got: " + vectorWeight);
    }
    if (rankConstant < 1) {
      throw new IllegalArgumentException("rank_constant must be at least 1, got: " + rankConstant);
    }
  }

  public static Fusion rrf() {
    return new Fusion(FusionMethod.RRF, 0.5, 60);
  }

  public static Fusion weighted(double vectorWeight) {
    return new Fusion(FusionMethod.WEIGHTED, vectorWeight, 60);
  }
}

package dev.quarry.search.fusion;

import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.Fusion;
import java.util.Map;

/**
 * Builds the fuser for a {@link Fusion} setting over the two standard lists, named {@link
 * #LEXICAL} and {@link #VECTOR}. The vector weight {@code w} gives the vector list weight {@code
 * 2w} and the lexical list {@code 2(1 - w)} for RRF (so 0.5 is plain RRF), and {@code w} and
 * {@code 1 - w} for weighted combination.
 */
public final class Fusers {

  public static final String LEXICAL = "lexical";
  public static final String VECTOR = "vector";

  private Fusers() {}

  public static Fuser of(Fusion fusion) {
    double w = fusion.vectorWeight();
    return switch (fusion.method()) {
      case RRF -> new ReciprocalRankFusion(
          fusion.rankConstant(), new ListWeights(Map.of(LEXICAL, 2 * (1 - w), VECTOR, 2 * w), 1.0));
      case WEIGHTED -> new WeightedScoreFusion(new ListWeights(Map.of(LEXICAL, 1 - w, VECTOR, w), 1.0));
      case DBSF -> new NormalizedScoreFusion(ScoreNormalization.DBSF,
          new ListWeights(Map.of(LEXICAL, 1 - w, VECTOR, w), 1.0), Integer.MAX_VALUE, 0);
      case LEARNED -> new LearnedScoreFusion(fusion.model().orElseThrow(() -> new dev.quarry.core.error.InvalidInputException(
          "learned fusion needs the collection's fitted model, and none was given: fit one with 'quarry tune'")));
    };
  }
}

package dev.quarry.search.rerank;

import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RerankExplanation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blends a re-ranker's scores into the head of a fused ranking, a pure function.
 *
 * <p>Over the {@code n} re-scored candidates, the fused scores {@code f} and the re-ranker's scores
 * {@code r} are each min-max normalised to [0, 1] (a constant set maps to 1), and a candidate's new
 * score is {@code (1 - w) * f' + w * r'}; the head is re-sorted by it (equal scores by chunk id
 * descending, as everywhere in Quarry). The rest of the ranking keeps its order below the head:
 * its scores become {@code min(0, f') - 1} with {@code f'} normalised as the head's, so they stay
 * ordered, and below every re-scored candidate (an evaluation reads order from scores).
 */
public final class RerankBlend {

  private static final Comparator<FusedResult> ORDER =
      Comparator.comparingDouble(FusedResult::score).reversed()
          .thenComparing(FusedResult::chunkId, Comparator.reverseOrder());

  /**
   * The re-ordered ranking; per re-scored chunk id, its stage scores; per chunk id of the rest, the
   * fused score it had before its score was moved below the head.
   */
  public record Blended(List<FusedResult> results, Map<String, RerankExplanation> explanations,
      Map<String, Double> tailFusedScores) {
    public Blended {
      results = List.copyOf(results);
      explanations = Map.copyOf(explanations);
      tailFusedScores = Map.copyOf(tailFusedScores);
    }
  }

  private RerankBlend() {}

  /**
   * @param ranked the fused ranking, best first
   * @param head how many of its first results were re-scored
   * @param scores the re-ranker's score of each of those, in order
   */
  public static Blended apply(List<FusedResult> ranked, int head, List<Double> scores, String reranker, double weight) {
    if (head < 0 || head > ranked.size()) {
      throw new IllegalArgumentException("head must be in 0.." + ranked.size() + ", got: " + head);
    }
    if (scores.size() != head) {
      throw new IllegalArgumentException(
          "re-ranker '" + reranker + "' returned " + scores.size() + " scores for " + head + " candidates");
    }
    if (head == 0) {
      return new Blended(ranked, Map.of(), Map.of());
    }
    double fMin = Double.POSITIVE_INFINITY;
    double fMax = Double.NEGATIVE_INFINITY;
    double rMin = Double.POSITIVE_INFINITY;
    double rMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < head; i++) {
      fMin = Math.min(fMin, ranked.get(i).score());
      fMax = Math.max(fMax, ranked.get(i).score());
      rMin = Math.min(rMin, scores.get(i));
      rMax = Math.max(rMax, scores.get(i));
    }
    double fRange = fMax - fMin;
    double rRange = rMax - rMin;
    List<FusedResult> top = new ArrayList<>(head);
    Map<String, RerankExplanation> explanations = new HashMap<>();
    for (int i = 0; i < head; i++) {
      FusedResult r = ranked.get(i);
      double f = fRange > 0 ? (r.score() - fMin) / fRange : 1.0;
      double s = rRange > 0 ? (scores.get(i) - rMin) / rRange : 1.0;
      double blended = (1 - weight) * f + weight * s;
      top.add(new FusedResult(r.chunkId(), r.documentId(), blended, r.contributions()));
      explanations.put(r.chunkId(), new RerankExplanation(reranker, scores.get(i), r.score(), weight));
    }
    top.sort(ORDER);
    List<FusedResult> out = new ArrayList<>(ranked.size());
    out.addAll(top);
    Map<String, Double> tail = new HashMap<>();
    for (int i = head; i < ranked.size(); i++) {
      FusedResult r = ranked.get(i);
      double f = fRange > 0 ? (r.score() - fMin) / fRange : r.score() - fMin;
      out.add(new FusedResult(r.chunkId(), r.documentId(), Math.min(0, f) - 1, r.contributions()));
      tail.put(r.chunkId(), r.score());
    }
    return new Blended(out, explanations, tail);
  }
}

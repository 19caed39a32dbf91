package dev.quarry.core.search;

import java.util.List;
import java.util.Optional;

/**
 * Why a hit scored as it did: each retriever's rank and score, the fusion that combined them and
 * its score, and the re-ranking stage when one ran on the hit.
 */
public record Explanation(String fusion, double fusedScore, List<Contribution> contributions,
    Optional<RerankExplanation> rerank) {
  public Explanation {
    contributions = List.copyOf(contributions);
    rerank = rerank == null ? Optional.empty() : rerank;
  }

  /** A hit that was not re-ranked. */
  public Explanation(String fusion, double fusedScore, List<Contribution> contributions) {
    this(fusion, fusedScore, contributions, Optional.empty());
  }
}

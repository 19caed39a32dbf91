package dev.quarry.core.search;

import java.util.List;

/** Why a hit scored as it did: each retriever's rank and score, and the fusion that combined them. */
public record Explanation(String fusion, double fusedScore, List<Contribution> contributions) {
  public Explanation {
    contributions = List.copyOf(contributions);
  }
}

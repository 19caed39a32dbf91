package dev.quarry.core.search;

import java.util.List;

/** A fused candidate with its fused score and each retriever's contribution. */
public record FusedResult(String chunkId, String documentId, double score, List<Contribution> contributions) {
  public FusedResult {
    contributions = List.copyOf(contributions);
  }
}

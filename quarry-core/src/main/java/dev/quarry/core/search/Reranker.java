package dev.quarry.core.search;

import java.util.List;

/**
 * Scores the best candidates of a first-stage ranking against the query: a second embedding
 * model, a cross-encoder, a remote re-rank API. Higher is better; scores need only be comparable
 * within one call. Thread-safe.
 *
 * <p>A re-ranker that cannot answer (a remote API timed out, a model failed) returns {@link
 * RerankOutcome.Unavailable} rather than throwing: search then keeps the fused order and says the
 * response is degraded.
 */
@FunctionalInterface
public interface Reranker {
  RerankOutcome score(String query, List<RerankCandidate> candidates);
}

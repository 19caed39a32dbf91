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

  /**
   * Called as a search that will re-rank starts, before its candidates are known, on another
   * thread than {@link #score}: work that needs only the query (a second model's query
   * embedding, kept in its query cache) can overlap first-stage retrieval. Does nothing unless
   * overridden; failures are for {@link #score} to report.
   */
  default void prepare(String query) {}
}

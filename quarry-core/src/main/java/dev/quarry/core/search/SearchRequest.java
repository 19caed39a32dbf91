package dev.quarry.core.search;

import dev.quarry.core.index.Filter;
import java.util.Objects;
import java.util.Optional;

/**
 * A search. {@code k} hits are returned after skipping {@code offset}; each retriever fetches
 * {@code candidates} chunks (at least offset + k) before fusion and grouping; {@code rerank}, when
 * present, re-scores the best of the fused ranking; {@code feedback}, when present, refines the
 * query vector with the first pass's best results and searches vectors again ({@link VectorFeedback}).
 */
public record SearchRequest(
    String query,
    SearchMode mode,
    int k,
    int offset,
    Optional<Filter> filter,
    Fusion fusion,
    Grouping grouping,
    boolean explain,
    int candidates,
    Optional<Rerank> rerank,
    Optional<VectorFeedback> feedback) {

  public static final int MAX_K = 1000;

  /**
   * Chunks each retriever fetches before fusion when a request asks for no more: what the server's
   * search and answers use, and what {@code quarry eval} measures by default (the same ranking).
   */
  public static final int DEFAULT_CANDIDATES = 100;

  /**
   * Hybrid fusion when a request names none: min-max normalised scores, 60% vector and 40% BM25.
   * Chosen on SciFact's train split (docs/evaluation.md): weighted beat RRF at every weight, and
   * 0.6-0.7 formed a plateau; the lower end is taken so that BM25 keeps a strong voice on corpora
   * where it beats dense retrieval (several BEIR sets do).
   */
  public static final Fusion DEFAULT_FUSION = Fusion.weighted(0.6);

  public SearchRequest {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(fusion, "fusion");
    Objects.requireNonNull(grouping, "grouping");
    filter = filter == null ? Optional.empty() : filter;
    rerank = rerank == null ? Optional.empty() : rerank;
    feedback = feedback == null ? Optional.empty() : feedback;
    if (query.isBlank()) {
      throw new IllegalArgumentException("query must not be blank");
    }
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_K + ", got: " + k);
    }
    if (offset < 0 || offset + k > MAX_K) {
      throw new IllegalArgumentException(
          "offset must be >= 0 and offset + k <= " + MAX_K + ", got offset " + offset + " and k " + k);
    }
    candidates = Math.max(candidates, offset + k);
    if (candidates > 10 * MAX_K) {
      throw new IllegalArgumentException("candidates must be at most " + 10 * MAX_K + ", got: " + candidates);
    }
  }

  /** A search without vector feedback. */
  public SearchRequest(String query, SearchMode mode, int k, int offset, Optional<Filter> filter, Fusion fusion,
      Grouping grouping, boolean explain, int candidates, Optional<Rerank> rerank) {
    this(query, mode, k, offset, filter, fusion, grouping, explain, candidates, rerank, Optional.empty());
  }

  /** A search without re-ranking or vector feedback. */
  public SearchRequest(String query, SearchMode mode, int k, int offset, Optional<Filter> filter, Fusion fusion,
      Grouping grouping, boolean explain, int candidates) {
    this(query, mode, k, offset, filter, fusion, grouping, explain, candidates, Optional.empty(), Optional.empty());
  }

  /** Defaults: hybrid with {@link #DEFAULT_FUSION}, per-document, 10 hits, 100 candidates per retriever. */
  public static SearchRequest of(String query) {
    return new SearchRequest(query, SearchMode.HYBRID, 10, 0, Optional.empty(), DEFAULT_FUSION, Grouping.DOCUMENT, false, DEFAULT_CANDIDATES);
  }

  public SearchRequest withMode(SearchMode m) {
    return new SearchRequest(query, m, k, offset, filter, fusion, grouping, explain, candidates, rerank, feedback);
  }

  public SearchRequest withK(int newK) {
    return new SearchRequest(query, mode, newK, offset, filter, fusion, grouping, explain, candidates, rerank, feedback);
  }

  public SearchRequest withFusion(Fusion f) {
    return new SearchRequest(query, mode, k, offset, filter, f, grouping, explain, candidates, rerank, feedback);
  }

  public SearchRequest withRerank(Optional<Rerank> newRerank) {
    return new SearchRequest(query, mode, k, offset, filter, fusion, grouping, explain, candidates, newRerank, feedback);
  }

  public SearchRequest withFeedback(Optional<VectorFeedback> newFeedback) {
    return new SearchRequest(query, mode, k, offset, filter, fusion, grouping, explain, candidates, rerank, newFeedback);
  }
}

package dev.quarry.core.search;

/**
 * Pseudo-relevance feedback for the vector retriever (Rocchio's formula on embeddings, as dense
 * retrieval uses it: Li et al., "Pseudo Relevance VectorFeedback with Deep Language Models and Dense
 * Retrievers: Successes and Pitfalls", TOIS 2023). The search runs once; the stored vectors of its
 * best {@code docs} results (one chunk per result: the chunk the ranking shows for it) refine the
 * query vector,
 *
 * <pre>q' = normalize(q / |q| + weight * mean(d_1 .. d_docs))</pre>
 *
 * and a second vector search with {@code q'} (same filter, same depth) replaces the first vector
 * list before fusion. The results fed back are the first pass's ranking: the fused ranking in
 * hybrid mode, the vector list in vector mode. Lexical mode has no vector to refine and ignores it.
 * Off by default; see docs/evaluation.md, "Vector pseudo-relevance feedback".
 */
public record VectorFeedback(int docs, double weight) {

  /**
   * What a request that turns feedback on without saying how gets (an API field left out): values
   * common in the dense-PRF literature (3-5 results, the mean weighted as the query), not a tuned
   * choice; docs/evaluation.md has the study.
   */
  public static final int DEFAULT_DOCS = 5;

  /** See {@link #DEFAULT_DOCS}. */
  public static final double DEFAULT_WEIGHT = 1.0;

  /** Most results a refinement may average. */
  public static final int MAX_DOCS = 100;

  /** Largest weight of the feedback mean against the unit query. */
  public static final double MAX_WEIGHT = 10;

  public VectorFeedback {
    if (docs < 1 || docs > MAX_DOCS) {
      throw new IllegalArgumentException("feedback docs must be in 1.." + MAX_DOCS + ", got: " + docs);
    }
    if (!(weight > 0 && weight <= MAX_WEIGHT)) {
      throw new IllegalArgumentException("feedback weight must be in (0, " + (int) MAX_WEIGHT + "], got: " + weight);
    }
  }
}

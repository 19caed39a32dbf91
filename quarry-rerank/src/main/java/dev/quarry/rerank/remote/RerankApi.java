package dev.quarry.rerank.remote;

/**
 * The wire shapes of the remote re-rank APIs Quarry speaks.
 *
 * <ul>
 *   <li>{@link #COHERE} and {@link #JINA}: {@code POST {"model", "query", "documents": [text],
 *       "top_n"}} answered by {@code {"results": [{"index", "relevance_score"}]}}.
 *   <li>{@link #TEI} (HuggingFace text-embeddings-inference): {@code POST {"query", "texts":
 *       [text]}} answered by {@code [{"index", "score"}]}.
 * </ul>
 */
public enum RerankApi {
  COHERE,
  JINA,
  TEI
}

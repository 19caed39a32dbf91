package dev.quarry.core.observe;

/**
 * A step of ingestion, search or answering whose time is reported to a {@link StageObserver}. Each has a
 * lower-case wire name for metric labels; see docs/metrics.md for what each one covers.
 */
public enum Stage {
  /** Ingestion: reading and parsing a source into a document (per document). */
  PARSE("parse"),
  /** Ingestion: the unchanged-content check and chunking of one document. */
  CHUNK("chunk"),
  /** Ingestion: embedding one batch of chunks, model worker threads included. */
  EMBED_DOCUMENTS("embed_documents"),
  /** Ingestion: writing one batch to the index (with any commit it triggers), and the final commit. */
  INDEX("index"),
  /** Search: embedding the query, model worker threads included (a cache hit is a lookup). */
  EMBED_QUERY("embed_query"),
  /** Search: BM25 retrieval with the filter inside it. */
  RETRIEVE_LEXICAL("retrieve_lexical"),
  /** Search: approximate nearest-neighbour retrieval with the filter inside it. */
  RETRIEVE_VECTOR("retrieve_vector"),
  /** Search: grouping chunks to documents and fusing the retrievers' lists. */
  FUSE("fuse"),
  /**
   * Search, with vector pseudo-relevance feedback: reading the feedback results' vectors, refining
   * the query vector, the second vector search and the second fusion.
   */
  FEEDBACK("feedback"),
  /** Search: re-scoring the best fused candidates with a re-ranker (their texts loaded first). */
  RERANK("rerank"),
  /** Search: loading the stored chunks of the page and cutting their snippets. */
  LOAD("load"),
  /** Answer: turning a follow-up into a standalone query (heuristic, or a model call). */
  REWRITE("rewrite"),
  /** Answer: hybrid search over each named collection and fusion across them. */
  RETRIEVE("retrieve"),
  /** Answer: numbering passages under the token budget, near-duplicates dropped. */
  ASSEMBLE("assemble"),
  /** Answer: the model call (or the extractive answerer), streaming included. */
  GENERATE("generate"),
  /** Answer: mapping citation markers back to passages, removing unknown ones. */
  CITE("cite");

  private final String wireName;

  Stage(String wireName) {
    this.wireName = wireName;
  }

  /** The metric label value, e.g. {@code retrieve_lexical}. */
  public String wireName() {
    return wireName;
  }
}

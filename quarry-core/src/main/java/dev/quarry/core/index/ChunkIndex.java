package dev.quarry.core.index;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.document.Document;
import dev.quarry.core.search.Retriever;
import java.io.Closeable;
import java.util.List;
import java.util.Optional;

/**
 * One collection's index: chunks with their BM25 fields, vectors and metadata. Writes become
 * visible to retrievers after {@link #refresh()} and durable after {@link #commit()}.
 */
public interface ChunkIndex extends Closeable {
  IndexManifest manifest();

  /** The content hash recorded for a document, if it is indexed. */
  Optional<String> contentHash(String documentId);

  /**
   * Replaces every chunk of {@code document} with {@code chunks} (one vector per chunk, in order)
   * in one atomic update: a reader sees the old chunks or the new ones, never a mix.
   */
  void upsert(Document document, List<Chunk> chunks, float[][] vectors);

  /** Deletes all chunks of a document; false when it was not indexed. */
  boolean delete(String documentId);

  /**
   * Ids of the indexed documents with a chunk matching {@code filter}, as of the last refresh,
   * sorted; at most {@code limit} of them (the caller pages by deleting what it got).
   */
  List<String> documentIds(Filter filter, int limit);

  /**
   * Rewrites the index files so that deleted documents are gone from them, not only hidden, however
   * few they are, and commits. Returns what is left to purge afterwards (deleted records still in
   * the files, or files of old segments still on disk): 0 once the purge is complete.
   */
  long purgeDeleted();

  /** How many segments (each with its own BM25 terms and HNSW graph) a search visits now. */
  int segments();

  /**
   * Merges the index into at most {@code maxSegments} segments, then commits and refreshes. Writes
   * may go on meanwhile. Costly (it rewrites the index and rebuilds vector graphs): for an index that
   * stopped changing.
   */
  void compact(int maxSegments);

  /** Makes acknowledged writes visible to search; returns the generation now visible. */
  long refresh();

  /** Makes acknowledged writes durable on disk; returns the committed generation. */
  long commit();

  /** BM25 over title and text. */
  Retriever lexical();

  /** Approximate nearest neighbours over chunk vectors. */
  Retriever vector();

  /** Stored chunks for the given chunk ids, in the same order; ids not found are left out. */
  List<StoredChunk> load(List<String> chunkIds);

  /**
   * The stored vectors (as indexed: unit length) of the given chunk ids, in the same order; ids
   * not found are left out. Vector pseudo-relevance feedback reads them ({@code VectorFeedback}).
   */
  List<StoredVector> vectors(List<String> chunkIds);

  IndexStats stats();
}

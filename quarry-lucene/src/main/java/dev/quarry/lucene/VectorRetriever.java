package dev.quarry.lucene;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.Retriever;
import java.util.Arrays;
import java.util.Set;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;

/**
 * Approximate nearest neighbours: a {@link KnnFloatVectorQuery} collects {@code max(k, efSearch)}
 * candidates from the HNSW graph, with the filter passed into the graph search (Lucene pre-filters:
 * only matching chunks are collected, and a very selective filter switches to an exact scan), then
 * the candidates are rescored with the raw float vectors and the best k kept.
 *
 * <p>Scores are dot products of the query with chunk vectors (cosine similarity, since both are
 * unit length), not Lucene's {@code (1 + dot) / 2}.
 */
final class VectorRetriever implements Retriever {

  static final String NAME = "vector";

  private final NrtSearchers searchers;
  private final VectorInput input;
  private final int efSearch;

  VectorRetriever(NrtSearchers searchers, VectorInput input, int efSearch) {
    HnswConfig.requireEfSearch(efSearch);
    this.searchers = searchers;
    this.input = input;
    this.efSearch = efSearch;
  }

  @Override
  public RankedList retrieve(RetrievalQuery query, int k) {
    Retrievers.requireK(k);
    float[] target = input.queryVector(query.vector());
    Query filter = query.filter().map(FilterQueries::toQuery).orElse(null);
    int candidates = Math.max(k, efSearch);
    return searchers.read((searcher, generation) -> {
      TopDocs top;
      try {
        top = searcher.search(
            new KnnFloatVectorQuery(IndexFields.VECTOR, target, candidates, filter), candidates);
      } catch (IndexSearcher.TooManyClauses e) {
        throw new InvalidInputException("filter is too large: " + e.getMessage(), e);
      }
      int n = top.scoreDocs.length;
      int[] docs = new int[n];
      for (int i = 0; i < n; i++) {
        docs[i] = top.scoreDocs[i].doc;
      }
      float[] exact = RawVectors.dotProducts(searcher, docs, target);
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> {
        int byScore = Float.compare(exact[b], exact[a]);
        return byScore != 0 ? byScore : Integer.compare(docs[a], docs[b]);
      });
      int kept = Math.min(k, n);
      int[] bestDocs = new int[kept];
      float[] bestScores = new float[kept];
      for (int i = 0; i < kept; i++) {
        bestDocs[i] = docs[order[i]];
        bestScores[i] = exact[order[i]];
      }
      return new RankedList(NAME, ChunkRefs.resolve(searcher, bestDocs, bestScores), generation);
    });
  }

  /** Exact similarities, as {@link #retrieve} reports them, of the given documents' chunks. */
  @Override
  public RankedList score(RetrievalQuery query, Set<String> documentIds) {
    float[] target = input.queryVector(query.vector());
    return searchers.read((searcher, generation) ->
        DocumentChunks.byVector(searcher, generation, NAME, target, documentIds, query.filter()));
  }
}

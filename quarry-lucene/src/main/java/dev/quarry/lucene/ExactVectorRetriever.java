package dev.quarry.lucene;

import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.Retriever;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * Brute-force nearest neighbours: the dot product of the query with every (matching, live) chunk's
 * raw float vector. The reference that approximate search is measured against, and an answer for
 * small or heavily filtered collections. Scores and tie-breaks (lower doc id first) are those of
 * {@link VectorRetriever}, so the two lists are directly comparable.
 */
final class ExactVectorRetriever implements Retriever {

  static final String NAME = "vector-exact";

  private record Candidate(float score, int doc) {}

  private final NrtSearchers searchers;
  private final VectorInput input;

  ExactVectorRetriever(NrtSearchers searchers, VectorInput input) {
    this.searchers = searchers;
    this.input = input;
  }

  @Override
  public RankedList retrieve(RetrievalQuery query, int k) {
    Retrievers.requireK(k);
    float[] target = input.queryVector(query.vector());
    return searchers.read((searcher, generation) -> {
      Weight filter = null;
      if (query.filter().isPresent()) {
        filter = searcher.createWeight(
            searcher.rewrite(FilterQueries.toQuery(query.filter().get())), ScoreMode.COMPLETE_NO_SCORES, 1f);
      }
      // Head is the worst kept candidate: lowest score, then highest doc id.
      PriorityQueue<Candidate> best = new PriorityQueue<>(
          (a, b) -> a.score() != b.score() ? Float.compare(a.score(), b.score()) : Integer.compare(b.doc(), a.doc()));
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexFields.VECTOR);
        if (values == null) {
          continue;
        }
        KnnVectorValues.DocIndexIterator vectors = values.iterator();
        DocIdSetIterator docs = vectors;
        if (filter != null) {
          Scorer matching = filter.scorer(leaf);
          if (matching == null) {
            continue;
          }
          docs = ConjunctionUtils.intersectIterators(List.of(matching.iterator(), vectors));
        }
        Bits live = leaf.reader().getLiveDocs();
        for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
          if (live != null && !live.get(doc)) {
            continue;
          }
          float score = ExactDot.dotProduct(target, values.vectorValue(vectors.index()));
          Candidate candidate = new Candidate(score, leaf.docBase + doc);
          if (best.size() < k) {
            best.add(candidate);
          } else if (best.comparator().compare(candidate, best.peek()) > 0) {
            best.poll();
            best.add(candidate);
          }
        }
      }
      int n = best.size();
      int[] docs = new int[n];
      float[] scores = new float[n];
      for (int i = n - 1; i >= 0; i--) {
        Candidate c = best.poll();
        docs[i] = c.doc();
        scores[i] = c.score();
      }
      return new RankedList(NAME, ChunkRefs.resolve(searcher, docs, scores), generation);
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

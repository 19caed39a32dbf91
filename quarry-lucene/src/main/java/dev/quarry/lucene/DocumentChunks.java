package dev.quarry.lucene;

import dev.quarry.core.index.Filter;
import dev.quarry.core.search.RankedList;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/**
 * The chunks of given documents that a filter lets through: what a retriever scores when fusion
 * completes the scores of candidates it did not retrieve ({@link
 * dev.quarry.core.search.Retriever#score}).
 */
final class DocumentChunks {

  private DocumentChunks() {}

  /**
   * A query matching the chunks of {@code documentIds} that pass {@code filter}, scored by {@code
   * scoring} when present (a SHOULD clause: a chunk it does not match scores 0, one it matches
   * scores exactly what {@code scoring} alone gives it) and 0 otherwise.
   */
  static Query of(Set<String> documentIds, Optional<Filter> filter, Optional<Query> scoring) {
    BooleanQuery.Builder b = new BooleanQuery.Builder()
        .add(new TermQuery(new Term(IndexFields.KIND, IndexFields.KIND_CHUNK)), BooleanClause.Occur.FILTER)
        .add(new TermInSetQuery(IndexFields.DOC_ID, documentIds.stream().map(BytesRef::new).toList()),
            BooleanClause.Occur.FILTER);
    filter.map(FilterQueries::toQuery).ifPresent(f -> b.add(f, BooleanClause.Occur.FILTER));
    scoring.ifPresent(s -> b.add(s, BooleanClause.Occur.SHOULD));
    return b.build();
  }

  /** Every hit of {@code query}, best first. */
  static TopDocs all(IndexSearcher searcher, Query query) throws IOException {
    int n = searcher.count(query);
    return searcher.search(query, Math.max(1, n));
  }

  /**
   * The exact dot product of {@code target} with each chunk of {@code documentIds} that passes
   * {@code filter}: the score both vector retrievers give a chunk they retrieve.
   */
  static RankedList byVector(IndexSearcher searcher, long generation, String retriever, float[] target,
      Set<String> documentIds, Optional<Filter> filter) throws IOException {
    if (documentIds.isEmpty()) {
      return new RankedList(retriever, List.of(), generation);
    }
    TopDocs top = all(searcher, of(documentIds, filter, Optional.empty()));
    int[] docs = new int[top.scoreDocs.length];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = top.scoreDocs[i].doc;
    }
    float[] scores = RawVectors.dotProducts(searcher, docs, target);
    return new RankedList(retriever, ChunkRefs.resolve(searcher, docs, scores), generation);
  }
}

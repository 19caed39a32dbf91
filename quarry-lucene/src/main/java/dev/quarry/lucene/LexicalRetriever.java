package dev.quarry.lucene;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.Retriever;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * BM25 over the combined title-and-text field (see {@link LexicalAnalysis}). The filter is a FILTER
 * clause of the same query, so the top k are the best k matching chunks. Scores are Lucene's BM25
 * scores. {@link #score} restricts the same query to the given documents' chunks.
 */
final class LexicalRetriever implements Retriever {

  static final String NAME = "lexical";

  private final NrtSearchers searchers;
  private final Analyzer analyzer;

  LexicalRetriever(NrtSearchers searchers, Analyzer analyzer) {
    this.searchers = searchers;
    this.analyzer = analyzer;
  }

  @Override
  public RankedList retrieve(RetrievalQuery query, int k) {
    Retrievers.requireK(k);
    Optional<Query> terms = LexicalAnalysis.query(analyzer, IndexFields.CONTENTS, query.text());
    Optional<Query> filter = query.filter().map(FilterQueries::toQuery);
    return searchers.read((searcher, generation) -> {
      if (terms.isEmpty()) {
        return new RankedList(NAME, List.of(), generation);
      }
      Query full = terms.get();
      if (filter.isPresent()) {
        full = new BooleanQuery.Builder()
            .add(terms.get(), BooleanClause.Occur.MUST)
            .add(filter.get(), BooleanClause.Occur.FILTER)
            .build();
      }
      TopDocs top;
      try {
        top = searcher.search(full, k);
      } catch (IndexSearcher.TooManyClauses e) {
        throw new InvalidInputException("query and filter are too large: " + e.getMessage(), e);
      }
      int[] docs = new int[top.scoreDocs.length];
      float[] scores = new float[docs.length];
      for (int i = 0; i < docs.length; i++) {
        ScoreDoc hit = top.scoreDocs[i];
        docs[i] = hit.doc;
        scores[i] = hit.score;
      }
      return new RankedList(NAME, ChunkRefs.resolve(searcher, docs, scores), generation);
    });
  }

  @Override
  public RankedList score(RetrievalQuery query, Set<String> documentIds) {
    Optional<Query> terms = LexicalAnalysis.query(analyzer, IndexFields.CONTENTS, query.text());
    return searchers.read((searcher, generation) -> {
      if (documentIds.isEmpty()) {
        return new RankedList(NAME, List.of(), generation);
      }
      TopDocs top;
      try {
        top = DocumentChunks.all(searcher, DocumentChunks.of(documentIds, query.filter(), terms));
      } catch (IndexSearcher.TooManyClauses e) {
        throw new InvalidInputException("query and filter are too large: " + e.getMessage(), e);
      }
      int[] docs = new int[top.scoreDocs.length];
      float[] scores = new float[docs.length];
      for (int i = 0; i < docs.length; i++) {
        docs[i] = top.scoreDocs[i].doc;
        scores[i] = top.scoreDocs[i].score;
      }
      return new RankedList(NAME, ChunkRefs.resolve(searcher, docs, scores), generation);
    });
  }
}

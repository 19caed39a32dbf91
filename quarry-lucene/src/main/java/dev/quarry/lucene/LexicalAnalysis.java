package dev.quarry.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * How the BM25 field is analysed and queried.
 *
 * <p>Decision: {@link EnglishAnalyzer} (standard tokenizer, English possessive removal, lower
 * case, Lucene's English stop words, Porter stemming) with BM25 k1=0.9, b=0.4 over one field
 * holding title and text. This is Anserini's BM25 "flat" baseline on BEIR (its default English
 * analyzer is the same chain), so quality numbers are comparable with published ones.
 *
 * <p>Query text is never parsed as query syntax: it is analysed with the same analyzer and each
 * distinct term becomes a SHOULD {@link TermQuery}, boosted by how often it occurs in the query (as
 * Anserini's bag-of-words query does). A query with no terms left after analysis (empty, only
 * punctuation or stop words) has no query, which retrievers answer with an empty list.
 */
final class LexicalAnalysis {

  /** Recorded in the manifest; changing the chain requires a new {@code formatVersion}. */
  static final String ANALYZER_NAME = "english-porter";

  static final float BM25_K1 = 0.9f;
  static final float BM25_B = 0.4f;

  private LexicalAnalysis() {}

  static Analyzer analyzer() {
    return new EnglishAnalyzer();
  }

  static BM25Similarity similarity() {
    return new BM25Similarity(BM25_K1, BM25_B);
  }

  /** The bag-of-words query over {@code field}, or empty when analysis leaves no term. */
  static Optional<Query> query(Analyzer analyzer, String field, String text) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    int maxTerms = IndexSearcher.getMaxClauseCount();
    try (TokenStream stream = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        String t = term.toString();
        if (counts.containsKey(t) || counts.size() < maxTerms) {
          counts.merge(t, 1, Integer::sum);
        }
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException("analysis of an in-memory string failed", e);
    }
    if (counts.isEmpty()) {
      return Optional.empty();
    }
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    counts.forEach((t, count) -> {
      Query q = new TermQuery(new Term(field, t));
      builder.add(count == 1 ? q : new BoostQuery(q, count), BooleanClause.Occur.SHOULD);
    });
    return Optional.of(builder.build());
  }
}

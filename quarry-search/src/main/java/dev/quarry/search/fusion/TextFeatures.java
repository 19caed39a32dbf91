package dev.quarry.search.fusion;

import dev.quarry.core.text.Words;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Learned fusion's candidate text features, computed from the query and a candidate chunk's stored
 * title and text:
 *
 * <ul>
 *   <li>{@code title_match}: the share of the query's distinct content terms found in the title;
 *   <li>{@code text_match}: the same in the chunk's text;
 *   <li>{@code length}: {@code min(1, log(1 + words) / log(1 + 512))}, {@code words} the text's
 *       runs of non-white-space characters: 0 for an empty chunk, 1 from 512 words on.
 * </ul>
 *
 * <p>Decision: content terms are what Lucene's {@link EnglishAnalyzer} leaves (standard tokenizer,
 * possessives removed, lower case, English stop words dropped, Porter stems), the chain the
 * lexical index analyses title and text with (quarry-lucene's {@code LexicalAnalysis}), so "match"
 * means what BM25 would count as a match. A query with no content term matches nothing (0). One
 * analyzer serves every thread (Lucene's analyzers reuse a token stream per thread). Each search
 * with a text model analyses every candidate's title and text afresh: nothing is cached, so the
 * features cannot go stale when a chunk is re-indexed.
 */
public final class TextFeatures {

  public static final String TITLE_MATCH = "title_match";
  public static final String TEXT_MATCH = "text_match";
  public static final String LENGTH = "length";

  /** The text features' names, in the order {@link #of} fills them. */
  public static final List<String> NAMES = List.of(TITLE_MATCH, TEXT_MATCH, LENGTH);

  /** Words at which {@code length} reaches 1. */
  static final int LENGTH_CAP_WORDS = 512;

  private static final Analyzer ANALYZER = new EnglishAnalyzer();

  private TextFeatures() {}

  /** The distinct content terms of {@code text}, in order of first occurrence. */
  public static Set<String> terms(String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream stream = ANALYZER.tokenStream("text", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        out.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException("analysis of an in-memory string failed", e);
    }
    return out;
  }

  /** The share of {@code queryTerms} among {@code text}'s terms; 0 when there are no query terms. */
  public static double match(Set<String> queryTerms, String text) {
    if (queryTerms.isEmpty() || text.isEmpty()) {
      return 0;
    }
    Set<String> found = new HashSet<>(terms(text));
    int hits = 0;
    for (String t : queryTerms) {
      if (found.contains(t)) {
        hits++;
      }
    }
    return (double) hits / queryTerms.size();
  }

  /** {@code min(1, log(1 + words) / log(1 + 512))}. */
  public static double length(String text) {
    return Math.min(1.0, Math.log1p(Words.count(text)) / Math.log1p(LENGTH_CAP_WORDS));
  }

  /**
   * Fills {@code row[at]}, {@code row[at + 1]} and {@code row[at + 2]} with {@code title_match},
   * {@code text_match} and {@code length} of a chunk with this title and text.
   */
  static void of(Set<String> queryTerms, String title, String text, double[] row, int at) {
    row[at] = match(queryTerms, title);
    row[at + 1] = match(queryTerms, text);
    row[at + 2] = length(text);
  }
}

package dev.quarry.core.search;

import java.util.Set;

/** Finds the best {@code k} chunks for a query, filter applied before the cut. */
public interface Retriever {
  RankedList retrieve(RetrievalQuery query, int k);

  /**
   * Scores every chunk of {@code documentIds} that the query's filter lets through, as {@link
   * #retrieve} would score it (a lexical chunk that matches no query term scores 0), in no
   * particular order. Fusion uses it to complete the scores of candidates this retriever did not
   * retrieve ({@link Fusion#complete()}). Unknown ids are ignored.
   */
  RankedList score(RetrievalQuery query, Set<String> documentIds);
}

package dev.quarry.core.search;

import dev.quarry.core.index.Filter;
import java.util.Optional;

/**
 * What a retriever receives: the query text (for lexical), the query vector (for vector; may be
 * null when only lexical retrieval runs) and an optional filter applied inside the retriever.
 */
public record RetrievalQuery(String text, float[] vector, Optional<Filter> filter) {
  public RetrievalQuery {
    text = text == null ? "" : text;
    filter = filter == null ? Optional.empty() : filter;
  }
}

package dev.quarry.core.search;

import dev.quarry.core.index.StoredChunk;
import java.util.Optional;

/** One search result: the chunk, its score, a snippet, and (when asked) the explanation. */
public record Hit(StoredChunk chunk, double score, String snippet, Optional<Explanation> explanation) {
  public Hit {
    explanation = explanation == null ? Optional.empty() : explanation;
  }
}

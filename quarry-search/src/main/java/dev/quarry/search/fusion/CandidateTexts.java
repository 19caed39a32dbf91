package dev.quarry.search.fusion;

import dev.quarry.core.index.StoredChunk;
import java.util.Map;
import java.util.Objects;

/**
 * What learned fusion's {@link TextFeatures} read: the query, and the stored chunks of the
 * candidates by chunk id. A candidate missing from {@code chunks} (deleted since retrieval) has its
 * text features at 0.
 */
public record CandidateTexts(String query, Map<String, StoredChunk> chunks) {
  public CandidateTexts {
    Objects.requireNonNull(query, "query");
    chunks = Map.copyOf(chunks);
  }
}

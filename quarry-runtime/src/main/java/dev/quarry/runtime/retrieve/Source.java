package dev.quarry.runtime.retrieve;

import dev.quarry.core.index.Filter;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.VectorFeedback;
import dev.quarry.engine.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A collection to answer from: {@code name} as the caller knows it (what citations show), the open
 * collection, and how it is searched. The server builds it from the collection's search defaults
 * (mode, fusion, re-ranking, vector feedback: {@code PUT /v1/collections/{collection}}), so an answer ranks passages
 * as a search of that collection without ranking fields does, and its fingerprint says so.
 */
public record Source(String name, Collection collection, SearchMode mode, Fusion fusion, Optional<Rerank> rerank,
    Optional<VectorFeedback> feedback) {

  /** Chunks each retriever of a collection fetches before fusion: what a search fetches. */
  static final int CANDIDATES = SearchRequest.DEFAULT_CANDIDATES;

  public Source {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(fusion, "fusion");
    Objects.requireNonNull(rerank, "rerank");
    Objects.requireNonNull(feedback, "feedback");
  }

  /** A source searched without vector feedback. */
  public Source(String name, Collection collection, SearchMode mode, Fusion fusion, Optional<Rerank> rerank) {
    this(name, collection, mode, fusion, rerank, Optional.empty());
  }

  /** The server's default search: hybrid, {@link SearchRequest#DEFAULT_FUSION}, no re-ranking. */
  public Source(String name, Collection collection) {
    this(name, collection, SearchMode.HYBRID, SearchRequest.DEFAULT_FUSION, Optional.empty());
  }

  /** The search of {@code k} chunks (not grouped by document) for {@code query} in this source. */
  public SearchRequest request(String query, int k, Optional<Filter> filter) {
    return new SearchRequest(query, mode, k, 0, filter, fusion, Grouping.CHUNK, false, CANDIDATES, rerank, feedback);
  }
}

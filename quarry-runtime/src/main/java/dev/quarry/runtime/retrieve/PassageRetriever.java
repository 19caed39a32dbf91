package dev.quarry.runtime.retrieve;

import dev.quarry.core.index.Filter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The retrieve stage: the best {@code k} chunks for {@code query} across {@code sources}, by {@code deadline}. */
@FunctionalInterface
public interface PassageRetriever {

  /** Throws {@link dev.quarry.runtime.DeadlineExceeded} when the deadline passes first. */
  Retrieval retrieve(String query, List<Source> sources, int k, Optional<Filter> filter, Instant deadline);
}

package dev.quarry.core.search;

import java.util.List;
import java.util.Optional;

/** The re-rankers a search can name. */
public interface Rerankers {

  /** No re-ranker at all. */
  Rerankers NONE = new Rerankers() {
    @Override
    public Optional<Reranker> find(String name) {
      return Optional.empty();
    }

    @Override
    public List<String> names() {
      return List.of();
    }
  };

  Optional<Reranker> find(String name);

  /** The names {@link #find} knows, sorted, for error messages. */
  List<String> names();
}

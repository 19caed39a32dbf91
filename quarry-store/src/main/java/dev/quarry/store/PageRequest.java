package dev.quarry.store;

import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a listing: at most {@code limit} items after the opaque cursor {@code after} (the
 * {@link Page#next()} of the previous page). Keyset paging, so a page is stable while rows are
 * added or removed elsewhere in the listing.
 */
public record PageRequest(int limit, Optional<String> after) {

  public static final int MAX_LIMIT = 1000;

  public PageRequest {
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("page limit must be in 1.." + MAX_LIMIT + ", got: " + limit);
    }
  }

  /** The first page of up to {@code limit} items. */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, Optional.empty());
  }

  /** The page that follows {@code page}, of the same size; call only when it has a next cursor. */
  public PageRequest next(Page<?> page) {
    return new PageRequest(limit, Optional.of(page.next().orElseThrow(
        () -> new IllegalStateException("the page is the last one: it has no next cursor"))));
  }
}

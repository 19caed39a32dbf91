package dev.quarry.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Items of one page in listing order, and the cursor of the next page when there is one. */
public record Page<T>(List<T> items, Optional<String> next) {
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(next, "next");
  }
}

package dev.quarry.runtime.retrieve;

import dev.quarry.engine.Collection;
import java.util.Objects;

/** A collection to answer from: {@code name} as the caller knows it (what citations show), and the open collection. */
public record Source(String name, Collection collection) {
  public Source {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(collection, "collection");
  }
}

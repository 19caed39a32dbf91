package dev.quarry.store.collection;

import java.util.Objects;

/** The result of a create-or-update: the collection as stored, and whether it was created. */
public record CollectionPut(CollectionRecord collection, boolean created) {
  public CollectionPut {
    Objects.requireNonNull(collection, "collection");
  }
}

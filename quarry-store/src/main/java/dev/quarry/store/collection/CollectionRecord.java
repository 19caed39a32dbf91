package dev.quarry.store.collection;

import java.time.Instant;
import java.util.Objects;

/** A stored collection: its key, its settings, when it was created and last changed. */
public record CollectionRecord(CollectionKey key, SettingsJson settings, Instant createdAt, Instant updatedAt) {
  public CollectionRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}

package dev.quarry.core.document;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Immutable, key-sorted metadata of a document. Keys are non-blank. */
public record Metadata(Map<String, MetadataValue> values) {

  private static final Metadata EMPTY = new Metadata(Map.of());

  public Metadata {
    TreeMap<String, MetadataValue> sorted = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k == null || k.isBlank()) {
            throw new IllegalArgumentException("metadata key must not be blank");
          }
          sorted.put(k, java.util.Objects.requireNonNull(v, "metadata value of " + k));
        });
    values = Collections.unmodifiableMap(sorted);
  }

  public static Metadata empty() {
    return EMPTY;
  }

  public Optional<MetadataValue> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }
}

package dev.quarry.store.usage;

import java.util.Locale;
import java.util.Optional;

/** What is metered per tenant and day. The wire name is the JSON field and the stored value. */
public enum Meter {
  /** Search requests answered (from the result cache or not). */
  SEARCHES,
  /** Documents accepted by an upsert or a batch, unchanged ones included. */
  DOCUMENTS_SUBMITTED,
  /** Documents that reached the indexed state (unchanged resubmissions are not indexed again). */
  DOCUMENTS_INDEXED,
  /** Content bytes of accepted documents: a file as uploaded, or the stored JSON of a document's fields. */
  BYTES_UPLOADED;

  /** Lower case, e.g. {@code documents_indexed}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The meter of a wire name; empty for one this version does not know. */
  public static Optional<Meter> fromWire(String name) {
    for (Meter m : values()) {
      if (m.wireName().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}

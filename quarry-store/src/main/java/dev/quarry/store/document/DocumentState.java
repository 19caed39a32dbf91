package dev.quarry.store.document;

import java.util.Locale;

/**
 * Where a document is in ingestion. The stages run in declaration order; {@link #INDEXED} and
 * {@link #FAILED} are terminal. A transient failure leaves a document in its stage with a later
 * {@code nextAttemptAt}; only a permanent one (or too many attempts) makes it {@link #FAILED}.
 */
public enum DocumentState {
  RECEIVED,
  PARSED,
  CHUNKED,
  EMBEDDED,
  INDEXED,
  FAILED;

  public boolean terminal() {
    return this == INDEXED || this == FAILED;
  }

  /** The state as it appears on the wire and in the database: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DocumentState fromWire(String name) {
    for (DocumentState s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown document state '" + name + "'");
  }
}

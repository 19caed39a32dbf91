package dev.quarry.store.key;

import dev.quarry.core.error.InvalidInputException;
import java.util.Locale;

/**
 * What a key may do. Scopes are independent: {@link #ADMIN} does not imply the others, so a key for
 * automation that only manages tenants cannot read documents.
 */
public enum Scope {
  /** Manage tenants and keys. */
  ADMIN,
  /** Create collections, write and delete documents, request erasures. */
  INGEST,
  /** Search and read documents. */
  SEARCH;

  /** The scope as it appears on the wire and in the database: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Scope fromWire(String name) {
    for (Scope s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new InvalidInputException("unknown scope '" + name + "': use admin, ingest or search");
  }
}

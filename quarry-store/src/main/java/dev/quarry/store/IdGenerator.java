package dev.quarry.store;

import java.util.UUID;

/**
 * Makes the ids of stored things (jobs, erasure receipts). Injected so that tests can make ids
 * predictable; production uses random UUIDs, which need no coordination between instances.
 */
@FunctionalInterface
public interface IdGenerator {

  /** A new id, never returned before by this generator: non-blank, at most 64 characters. */
  String next();

  /** Random (version 4) UUIDs in their canonical 36-character form. */
  static IdGenerator uuids() {
    return () -> UUID.randomUUID().toString();
  }
}

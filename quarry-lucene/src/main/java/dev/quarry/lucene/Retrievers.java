package dev.quarry.lucene;

import dev.quarry.core.error.InvalidInputException;

/** Checks shared by this module's retrievers. */
final class Retrievers {

  private Retrievers() {}

  static void requireK(int k) {
    if (k < 1) {
      throw new InvalidInputException("k must be at least 1, got: " + k);
    }
  }
}

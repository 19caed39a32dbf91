package dev.quarry.engine.collection;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.CollectionNames;

/**
 * A collection's name in the engine: a name by {@link CollectionNames}' rule, or a qualified one,
 * {@code <namespace>--<name>} (how the server holds a tenant's collections). It names a folder in
 * the data directory, so nothing else is allowed.
 */
public record CollectionName(String value) {

  public CollectionName {
    if (!CollectionNames.isValid(value) && !CollectionNames.isValidQualified(value)) {
      throw new InvalidInputException("invalid collection name '" + value + "': use " + CollectionNames.RULE);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}

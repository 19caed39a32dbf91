package dev.quarry.engine.collection;

import dev.quarry.core.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A collection's name: 1 to 64 characters of lower-case letters, digits, '-' and '_', starting
 * with a letter or digit. It names a folder in the data directory, so nothing else is allowed.
 */
public record CollectionName(String value) {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public CollectionName {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new InvalidInputException("invalid collection name '" + value
          + "': use 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}

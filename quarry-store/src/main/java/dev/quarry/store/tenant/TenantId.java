package dev.quarry.store.tenant;

import dev.quarry.core.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A tenant's id: 1 to 64 characters of lower-case letters, digits, '-' and '_', starting with a
 * letter or digit. It appears in URLs, logs and metric labels, so nothing else is allowed.
 */
public record TenantId(String value) {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public TenantId {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new InvalidInputException("invalid tenant id '" + value
          + "': use 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
    }
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}

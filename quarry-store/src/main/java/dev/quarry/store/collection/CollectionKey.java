package dev.quarry.store.collection;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.tenant.TenantId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A collection's address: its tenant and its name. Names follow the engine's rule (1 to 64
 * characters of a-z, 0-9, '-' and '_', starting with a letter or digit), since they also name
 * folders in the data directory.
 */
public record CollectionKey(TenantId tenant, String name) {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public CollectionKey {
    Objects.requireNonNull(tenant, "tenant");
    if (name == null || !VALID.matcher(name).matches()) {
      throw new InvalidInputException("invalid collection name '" + name
          + "': use 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
    }
  }

  public static CollectionKey of(TenantId tenant, String name) {
    return new CollectionKey(tenant, name);
  }

  @Override
  public String toString() {
    return tenant + "/" + name;
  }
}

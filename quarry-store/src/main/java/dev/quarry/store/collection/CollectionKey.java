package dev.quarry.store.collection;

import dev.quarry.core.index.CollectionNames;
import dev.quarry.store.tenant.TenantId;
import java.util.Objects;

/**
 * A collection's address: its tenant and its name. Names follow {@link CollectionNames}' rule,
 * the one the engine and the API apply.
 */
public record CollectionKey(TenantId tenant, String name) {

  public CollectionKey {
    Objects.requireNonNull(tenant, "tenant");
    CollectionNames.require(name);
  }

  public static CollectionKey of(TenantId tenant, String name) {
    return new CollectionKey(tenant, name);
  }

  @Override
  public String toString() {
    return tenant + "/" + name;
  }
}

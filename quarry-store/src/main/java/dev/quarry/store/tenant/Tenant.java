package dev.quarry.store.tenant;

import java.time.Instant;
import java.util.Objects;

/** A tenant: the owner of collections, documents, keys and every other stored thing. */
public record Tenant(TenantId id, Instant createdAt) {
  public Tenant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}

package dev.quarry.store.tenant;

import java.util.List;
import java.util.Optional;

/** Tenants. Every method here is an administrator's: tenants are not scoped to a tenant. */
public interface TenantStore {

  /** Creates a tenant; {@code ConflictException} when it exists. */
  Tenant create(TenantId id);

  Optional<Tenant> find(TenantId id);

  /** All tenants by id. */
  List<Tenant> list();

  /**
   * Deletes a tenant and, in the same transaction, everything it owns (keys, collections, document
   * states, jobs, idempotency records, erasure receipts). False when there was no such tenant.
   */
  boolean delete(TenantId id);
}

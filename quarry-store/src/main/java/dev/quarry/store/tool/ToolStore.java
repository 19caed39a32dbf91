package dev.quarry.store.tool;

import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Tenants' registered tools and the allow-list of hosts their URLs may name. */
public interface ToolStore {

  /** The most tools one tenant may register; {@link #list} returns them all. */
  int MAX_PER_TENANT = 128;
  /** The most hosts on one tenant's allow-list. */
  int MAX_HOSTS = 64;

  /**
   * Creates or replaces the tenant's tool {@code name}; true when it was created. {@code
   * NotFoundException} for an unknown tenant, {@code ConflictException} past {@link #MAX_PER_TENANT}.
   */
  boolean put(TenantId tenant, String name, String description, String parameters, String url);

  Optional<ToolDefinition> find(TenantId tenant, String name);

  /** The tenant's tools by name. */
  List<ToolDefinition> list(TenantId tenant);

  boolean delete(TenantId tenant, String name);

  /** The tenant's host allow-list (empty: no HTTP tool may be called). */
  Set<String> allowedHosts(TenantId tenant);

  /** Replaces the tenant's host allow-list. */
  void setAllowedHosts(TenantId tenant, Set<String> hosts);
}

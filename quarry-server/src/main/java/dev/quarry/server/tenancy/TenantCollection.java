package dev.quarry.server.tenancy;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.CollectionNames;
import dev.quarry.store.tenant.TenantId;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A tenant's collection and the engine collection that holds it, {@code <tenant>--<collection>}.
 *
 * <p>Decision, for as long as the engine is not tenant-aware: isolation is this name. The tenant
 * always comes from the caller's API key, never from the request, and the mapping cannot be forged:
 * API tenant ids are 1-31 characters of a-z and 0-9 in groups joined by single hyphens ({@code
 * acme}, {@code acme-eu}; no {@code --}, no leading or trailing hyphen), so the first {@code --} of
 * an engine name always ends the tenant, and {@link #ownedBy} recognises a tenant's collections by
 * that prefix alone. Collection names follow {@link CollectionNames}' rule, the CLI's and the
 * engine's; the engine holds them under the qualified name {@code <tenant>--<name>}.
 */
public record TenantCollection(TenantId tenant, String name) {

  private static final Pattern TENANT = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  static final int MAX_TENANT = CollectionNames.MAX_NAMESPACE;
  static final String SEPARATOR = CollectionNames.SEPARATOR;

  public TenantCollection {
    Objects.requireNonNull(tenant, "tenant");
    requireApiTenant(tenant.value());
    CollectionNames.require(name);
  }

  /** Checks a tenant id the API accepts (narrower than the store's). */
  public static TenantId requireApiTenant(String id) {
    if (id == null || id.length() > MAX_TENANT || !TENANT.matcher(id).matches()) {
      throw new InvalidInputException("invalid tenant id '" + id
          + "': use 1-31 characters of a-z and 0-9, optionally in groups joined by single hyphens (acme, acme-eu)");
    }
    return TenantId.of(id);
  }

  /** The engine collection's name. */
  public String engineName() {
    return tenant.value() + SEPARATOR + name;
  }

  /** This tenant's collection named by {@code engineName}, or empty when another tenant owns it. */
  public static Optional<TenantCollection> ownedBy(TenantId tenant, String engineName) {
    String prefix = tenant.value() + SEPARATOR;
    if (!engineName.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = engineName.substring(prefix.length());
    return CollectionNames.isValid(rest) ? Optional.of(new TenantCollection(tenant, rest)) : Optional.empty();
  }
}

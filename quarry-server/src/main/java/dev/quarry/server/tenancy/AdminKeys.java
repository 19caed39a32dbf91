package dev.quarry.server.tenancy;

import dev.quarry.store.Store;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Makes sure an admin key exists when the server starts. Admin keys belong to the reserved tenant
 * {@value #ADMIN_TENANT}. A key chosen by the operator ({@code QUARRY_ADMIN_KEY}) is registered
 * (idempotent across restarts); otherwise, when no active admin key exists yet, one is generated and
 * printed once to {@code notices}. It is never printed again: only its hash is stored.
 */
public final class AdminKeys {

  public static final String ADMIN_TENANT = "quarry-admin";

  private AdminKeys() {}

  public static void ensure(Store store, Optional<String> chosen, PrintStream notices) {
    TenantId admin = TenantId.of(ADMIN_TENANT);
    if (store.tenants().find(admin).isEmpty()) {
      store.tenants().create(admin);
    }
    if (chosen.isPresent()) {
      store.apiKeys().register(admin, Set.of(Scope.ADMIN), chosen.get(), Optional.empty());
      return;
    }
    Instant now = Instant.now();
    boolean hasActive = store.apiKeys().list(admin).stream()
        .anyMatch(k -> k.has(Scope.ADMIN) && k.activeAt(now));
    if (!hasActive) {
      IssuedKey issued = store.apiKeys().create(admin, Set.of(Scope.ADMIN), Optional.empty());
      notices.println("quarry: generated the admin API key; it is shown this once, store it now:");
      notices.println("  " + issued.plaintext());
      notices.flush();
    }
  }

  /** Whether {@code key} is one of the reserved admin tenant's. */
  public static boolean isAdminTenant(ApiKey key) {
    return key.tenant().value().equals(ADMIN_TENANT);
  }
}

package dev.quarry.server.tenancy;

import dev.quarry.core.error.ConflictException;
import dev.quarry.server.http.Access;
import dev.quarry.store.Store;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.PlaintextKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Makes sure the operator has a key ({@link Access} states what it may do). Operator keys are the
 * {@code admin} keys of the reserved tenant {@value Access#OPERATOR_TENANT_ID}.
 *
 * <ul>
 *   <li>A key chosen by the operator ({@code QUARRY_ADMIN_KEY}) is registered (idempotent across
 *       restarts). Changing the variable replaces the key: operator keys chosen earlier are revoked.
 *       A chosen key that was revoked through the API is refused at start, since it could not be
 *       used.
 *   <li>Otherwise, when no operator key is active, one is generated and printed once to {@code
 *       notices}; only its hash is stored. The server calls this once it listens on its port, so a
 *       start that fails (the port is in use, for example) generates nothing and the next one prints
 *       the key.
 * </ul>
 */
public final class AdminKeys {

  private AdminKeys() {}

  public static void ensure(Store store, Optional<String> chosen, Instant now, PrintStream notices) {
    TenantId operator = Access.OPERATOR_TENANT;
    if (store.tenants().find(operator).isEmpty()) {
      store.tenants().create(operator);
    }
    if (chosen.isPresent()) {
      ApiKey key = store.apiKeys().register(operator, Set.of(Scope.ADMIN), chosen.get(), Optional.empty());
      if (!key.activeAt(now)) {
        throw new ConflictException("QUARRY_ADMIN_KEY (server.admin_key) is operator key '" + key.id()
            + "', which was revoked; choose a new value");
      }
      for (ApiKey earlier : store.apiKeys().list(operator)) {
        if (!earlier.id().equals(key.id()) && !PlaintextKey.isGeneratedId(earlier.id()) && earlier.activeAt(now)) {
          store.apiKeys().revoke(operator, earlier.id());
          notices.println("quarry: QUARRY_ADMIN_KEY changed; revoked the operator key it replaces ('" + earlier.id() + "')");
        }
      }
      notices.flush();
      return;
    }
    boolean hasActive = store.apiKeys().list(operator).stream().anyMatch(k -> Access.isOperator(k) && k.activeAt(now));
    if (!hasActive) {
      IssuedKey issued = store.apiKeys().create(operator, Set.of(Scope.ADMIN), Optional.empty());
      notices.println("quarry: generated the operator (admin) API key; it is shown this once, store it now:");
      notices.println("  " + issued.plaintext());
      notices.flush();
    }
  }
}

package dev.quarry.store.key;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A stored API key, without its secret: only a salted hash is kept, so a key cannot be shown
 * again. {@code id} is the non-secret part of the plaintext (see {@link PlaintextKey}), safe to log.
 *
 * @param lastUsedAt when the key last authenticated, to the minute ({@link
 *     ApiKeyStore#LAST_USED_RESOLUTION}); empty when it never did
 * @param previousSecretValidUntil after a {@link ApiKeyStore#rotate rotation} with a grace period,
 *     when the previous secret stops working (it may have passed); empty otherwise
 */
public record ApiKey(
    String id,
    TenantId tenant,
    Set<Scope> scopes,
    Instant createdAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt,
    Optional<Instant> expiresAt,
    Optional<Instant> previousSecretValidUntil) {

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(previousSecretValidUntil, "previousSecretValidUntil");
    scopes = requireScopes(scopes);
  }

  /** Copies the scopes into an unmodifiable set; a key needs at least one. */
  static Set<Scope> requireScopes(Set<Scope> scopes) {
    if (scopes == null || scopes.isEmpty()) {
      throw new InvalidInputException("an API key needs at least one scope: admin, ingest or search");
    }
    return Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** Neither revoked nor expired at {@code now}. A key expiring exactly at {@code now} is expired. */
  public boolean activeAt(Instant now) {
    return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }
}

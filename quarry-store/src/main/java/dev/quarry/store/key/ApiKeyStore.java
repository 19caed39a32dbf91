package dev.quarry.store.key;

import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * API keys of tenants, stored as salted hashes ({@link KeyHash}). A key acts in its own tenant only;
 * {@link #authenticate} is the one method that takes no tenant, because the key names it.
 */
public interface ApiKeyStore {

  /**
   * How fresh {@link ApiKey#lastUsedAt} is: a use is recorded when the last recorded one is at
   * least this old, so a busy key costs one write a minute, not one a request.
   */
  Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  /** The longest grace period a {@link #rotate rotation} may give the previous secret. */
  Duration MAX_ROTATION_GRACE = Duration.ofHours(24);

  /**
   * Creates a random key for {@code tenant}. The returned plaintext is not stored and cannot be
   * recovered. {@code NotFoundException} when the tenant does not exist.
   */
  IssuedKey create(TenantId tenant, Set<Scope> scopes, Optional<Instant> expiresAt);

  /**
   * Stores an operator-chosen key (for example {@code QUARRY_ADMIN_KEY}), see {@link
   * PlaintextKey#chosen}. Registering the same plaintext again returns the stored key unchanged, so
   * a restart with the same environment is harmless; {@code ConflictException} when the same
   * plaintext is registered for another tenant or other scopes.
   */
  ApiKey register(TenantId tenant, Set<Scope> scopes, String plaintext, Optional<Instant> expiresAt);

  /**
   * The key whose plaintext this is, when it is neither revoked nor expired, as it was before this
   * use; records the use ({@link #LAST_USED_RESOLUTION}). After a {@link #rotate rotation} the
   * previous secret is accepted too until its grace period ends. Wrong, unknown, revoked and expired
   * keys all give empty, so a caller cannot tell which.
   */
  Optional<ApiKey> authenticate(String plaintext);

  Optional<ApiKey> find(TenantId tenant, String keyId);

  /** The tenant's keys, revoked and expired ones included, oldest first. */
  List<ApiKey> list(TenantId tenant);

  /**
   * Revokes a key of {@code tenant}; revoking twice keeps the first time. {@code NotFoundException}
   * when the tenant has no such key.
   */
  ApiKey revoke(TenantId tenant, String keyId);

  /**
   * Gives a key of {@code tenant} a new random secret; the id, scopes and expiry stay. The previous
   * secret keeps working for {@code grace} (zero: it stops at once; at most {@link
   * #MAX_ROTATION_GRACE}); a secret older than that stops at once, so at most two work at a time.
   * {@code NotFoundException} when the tenant has no such key, {@code ConflictException} when it is
   * revoked or expired, {@code InvalidInputException} for an operator-chosen key (it has no
   * generated secret to replace) or a grace out of range.
   */
  IssuedKey rotate(TenantId tenant, String keyId, Duration grace);
}

package dev.quarry.server.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.ApiKeyStore;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link ApiKeyStore} that remembers the keys it verified for {@link #TTL}, so that a request
 * does not read and hash-check its key in the store each time (docs/benchmarks.md, issue 8). Only
 * keys that authenticated are kept (a wrong key always reaches the store), by the SHA-256 of their
 * plaintext, at most {@link #MAX_KEYS}; a remembered key is still refused once it has expired.
 *
 * <p>Staleness: a revocation or rotation made through this object forgets every remembered key at
 * once, so this process refuses a revoked key (or a secret rotated away without grace) at its next
 * request. One made by another process sharing a PostgreSQL store is seen here within {@link #TTL}
 * (likewise the end of a rotation's grace period; tenants are not deleted). A key's {@code last_used_at} is recorded at
 * most {@link #TTL} later than without the cache (it is kept to the minute anyway).
 */
public final class VerifiedKeys implements ApiKeyStore {

  /** How long a verified key is trusted without asking the store again. */
  public static final Duration TTL = Duration.ofSeconds(5);
  /** The most keys remembered. */
  static final int MAX_KEYS = 10_000;

  private final ApiKeyStore store;
  private final Clock clock;
  private final Cache<String, ApiKey> verified;

  public VerifiedKeys(ApiKeyStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verified = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(TTL).build();
  }

  @Override
  public Optional<ApiKey> authenticate(String plaintext) {
    String digest = digest(plaintext);
    ApiKey known = verified.getIfPresent(digest);
    if (known != null && known.activeAt(clock.instant())) {
      return Optional.of(known);
    }
    Optional<ApiKey> key = store.authenticate(plaintext);
    key.ifPresentOrElse(k -> verified.put(digest, k), () -> verified.invalidate(digest));
    return key;
  }

  @Override
  public ApiKey revoke(TenantId tenant, String keyId) {
    try {
      return store.revoke(tenant, keyId);
    } finally {
      verified.invalidateAll();
    }
  }

  @Override
  public IssuedKey rotate(TenantId tenant, String keyId, Duration grace) {
    try {
      return store.rotate(tenant, keyId, grace);
    } finally {
      verified.invalidateAll();
    }
  }

  @Override
  public IssuedKey create(TenantId tenant, Set<Scope> scopes, Optional<Instant> expiresAt) {
    return store.create(tenant, scopes, expiresAt);
  }

  @Override
  public ApiKey register(TenantId tenant, Set<Scope> scopes, String plaintext, Optional<Instant> expiresAt) {
    return store.register(tenant, scopes, plaintext, expiresAt);
  }

  @Override
  public Optional<ApiKey> find(TenantId tenant, String keyId) {
    return store.find(tenant, keyId);
  }

  @Override
  public List<ApiKey> list(TenantId tenant) {
    return store.list(tenant);
  }

  private static String digest(String plaintext) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8));
      return new String(d, StandardCharsets.ISO_8859_1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

package dev.quarry.store.jdbc;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.ApiKeyStore;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.KeyHash;
import dev.quarry.store.key.PlaintextKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

final class JdbcApiKeyStore implements ApiKeyStore {

  private static final String COLUMNS = "id, tenant_id, scopes, salt, hash, created_at, last_used_at, revoked_at, "
      + "expires_at, previous_salt, previous_hash, previous_valid_until";
  /** Compared against when a key id is unknown, so that unknown and wrong keys cost the same. */
  private static final KeyHash DECOY = KeyHash.of("decoy");

  private final Database db;
  private final StoreOptions options;

  JdbcApiKeyStore(Database db, StoreOptions options) {
    this.db = db;
    this.options = options;
  }

  /**
   * A row: the key, its secret's hash, and the hash of the secret it had before its last rotation
   * with the end of that secret's grace period.
   */
  private record StoredKey(ApiKey key, KeyHash hash, Optional<Previous> previous) {

    /** Whether {@code plaintext} is this key's secret, or its previous one still in its grace period. */
    boolean matches(String plaintext, Instant now) {
      boolean current = hash.matches(plaintext);
      return current || previous.filter(p -> now.isBefore(p.validUntil())).map(p -> p.hash().matches(plaintext))
          .orElse(false);
    }
  }

  private record Previous(KeyHash hash, Instant validUntil) {}

  @Override
  public IssuedKey create(TenantId tenant, Set<Scope> scopes, Optional<Instant> expiresAt) {
    Instant now = options.now();
    String scopeText = scopeText(scopes);
    requireFuture(expiresAt, now);
    PlaintextKey plaintext = PlaintextKey.generate();
    KeyHash hash = KeyHash.of(plaintext.value());
    ApiKey key = db.write("creating an API key for tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      return insert(c, plaintext.id(), tenant, scopeText, hash, now, expiresAt);
    });
    return new IssuedKey(key, plaintext.value());
  }

  @Override
  public ApiKey register(TenantId tenant, Set<Scope> scopes, String plaintext, Optional<Instant> expiresAt) {
    Instant now = options.now();
    String scopeText = scopeText(scopes);
    requireFuture(expiresAt, now);
    PlaintextKey key = PlaintextKey.chosen(plaintext);
    return db.write("registering an API key for tenant '" + tenant + "'", c -> {
      Parents.requireTenant(c, tenant);
      Optional<StoredKey> existing = byId(c, key.id());
      if (existing.isPresent()) {
        StoredKey stored = existing.get();
        if (stored.hash().matches(key.value()) && stored.key().tenant().equals(tenant)
            && stored.key().scopes().equals(normalised(scopes))) {
          return stored.key();
        }
        throw new ConflictException("API key '" + key.id()
            + "' is already registered with another tenant or other scopes; revoke it or choose another key");
      }
      return insert(c, key.id(), tenant, scopeText, KeyHash.of(key.value()), now, expiresAt);
    });
  }

  @Override
  public Optional<ApiKey> authenticate(String plaintext) {
    PlaintextKey key;
    try {
      key = PlaintextKey.parse(plaintext);
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
    Optional<StoredKey> stored = db.read("authenticating an API key", c -> byId(c, key.id()));
    if (stored.isEmpty()) {
      DECOY.matches(key.value());
      return Optional.empty();
    }
    Instant now = options.now();
    ApiKey apiKey = stored.get().key();
    if (!stored.get().matches(key.value(), now) || !apiKey.activeAt(now)) {
      return Optional.empty();
    }
    Instant staleBefore = now.minus(LAST_USED_RESOLUTION);
    if (apiKey.lastUsedAt().map(t -> !t.isAfter(staleBefore)).orElse(true)) {
      db.write("recording the use of API key '" + apiKey.id() + "'", c -> Jdbc.update(c,
          "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
          now, apiKey.id(), staleBefore));
    }
    return Optional.of(apiKey);
  }

  @Override
  public Optional<ApiKey> find(TenantId tenant, String keyId) {
    return db.read("reading API key '" + keyId + "'", c -> Jdbc.one(c,
        "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? AND id = ?",
        JdbcApiKeyStore::row, tenant.value(), keyId).map(StoredKey::key));
  }

  @Override
  public List<ApiKey> list(TenantId tenant) {
    return db.read("listing API keys of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id",
        JdbcApiKeyStore::row, tenant.value()).stream().map(StoredKey::key).toList());
  }

  @Override
  public ApiKey revoke(TenantId tenant, String keyId) {
    Instant now = options.now();
    return db.write("revoking API key '" + keyId + "'", c -> {
      int n = Jdbc.update(c,
          "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ? AND id = ?",
          now, tenant.value(), keyId);
      if (n == 0) {
        throw new NotFoundException("API key '" + keyId + "' does not exist in tenant '" + tenant + "'");
      }
      return Jdbc.one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? AND id = ?",
          JdbcApiKeyStore::row, tenant.value(), keyId).orElseThrow().key();
    });
  }

  @Override
  public IssuedKey rotate(TenantId tenant, String keyId, Duration grace) {
    if (grace.isNegative() || grace.compareTo(MAX_ROTATION_GRACE) > 0) {
      throw new InvalidInputException("a rotation's grace period must be 0 to " + MAX_ROTATION_GRACE.toSeconds()
          + " seconds, got: " + grace.toSeconds());
    }
    Instant now = options.now();
    return db.write("rotating API key '" + keyId + "'", c -> {
      StoredKey stored = Jdbc.one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? AND id = ?",
          JdbcApiKeyStore::row, tenant.value(), keyId)
          .orElseThrow(() -> new NotFoundException("API key '" + keyId + "' does not exist in tenant '" + tenant + "'"));
      if (!stored.key().activeAt(now)) {
        throw new ConflictException("API key '" + keyId + "' is " + (stored.key().revokedAt().isPresent() ? "revoked" : "expired")
            + " and cannot be rotated; create a new key");
      }
      PlaintextKey fresh = PlaintextKey.withNewSecret(keyId);
      KeyHash hash = KeyHash.of(fresh.value());
      Optional<KeyHash> previous = grace.isZero() ? Optional.empty() : Optional.of(stored.hash());
      Optional<Instant> previousUntil = previous.map(p -> now.plus(grace));
      Jdbc.update(c, "UPDATE api_keys SET salt = ?, hash = ?, previous_salt = ?, previous_hash = ?, "
              + "previous_valid_until = ? WHERE tenant_id = ? AND id = ?",
          hash.salt(), hash.hash(), previous.map(KeyHash::salt), previous.map(KeyHash::hash),
          previousUntil, tenant.value(), keyId);
      ApiKey k = stored.key();
      return new IssuedKey(new ApiKey(k.id(), k.tenant(), k.scopes(), k.createdAt(), k.lastUsedAt(), k.revokedAt(),
          k.expiresAt(), previousUntil), fresh.value());
    });
  }

  private static ApiKey insert(Connection c, String id, TenantId tenant, String scopes, KeyHash hash,
      Instant now, Optional<Instant> expiresAt) throws SQLException {
    Jdbc.update(c, "INSERT INTO api_keys (id, tenant_id, scopes, salt, hash, created_at, expires_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, tenant.value(), scopes, hash.salt(), hash.hash(), now, expiresAt);
    return new ApiKey(id, tenant, parseScopes(scopes), now, Optional.empty(), Optional.empty(), expiresAt,
        Optional.empty());
  }

  private static Optional<StoredKey> byId(Connection c, String id) throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", JdbcApiKeyStore::row, id);
  }

  private static StoredKey row(ResultSet rs) throws SQLException {
    Optional<Instant> previousUntil = Jdbc.optionalInstant(rs, "previous_valid_until");
    ApiKey key = new ApiKey(
        rs.getString("id"),
        new TenantId(rs.getString("tenant_id")),
        parseScopes(rs.getString("scopes")),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "last_used_at"),
        Jdbc.optionalInstant(rs, "revoked_at"),
        Jdbc.optionalInstant(rs, "expires_at"),
        previousUntil);
    Optional<Previous> previous = Optional.empty();
    if (previousUntil.isPresent()) {
      previous = Optional.of(new Previous(
          new KeyHash(rs.getString("previous_salt"), rs.getString("previous_hash")), previousUntil.get()));
    }
    return new StoredKey(key, new KeyHash(rs.getString("salt"), rs.getString("hash")), previous);
  }

  private static void requireFuture(Optional<Instant> expiresAt, Instant now) {
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      throw new InvalidInputException("API key expiry must be in the future, got: " + expiresAt.get());
    }
  }

  private static String scopeText(Set<Scope> scopes) {
    return normalised(scopes).stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
  }

  private static Set<Scope> normalised(Set<Scope> scopes) {
    if (scopes == null || scopes.isEmpty()) {
      throw new InvalidInputException("an API key needs at least one scope: admin, ingest or search");
    }
    return Set.copyOf(EnumSet.copyOf(scopes));
  }

  private static Set<Scope> parseScopes(String text) {
    return Arrays.stream(text.split(",")).map(Scope::fromWire).collect(Collectors.toUnmodifiableSet());
  }
}

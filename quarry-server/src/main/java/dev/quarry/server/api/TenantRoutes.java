package dev.quarry.server.api;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.store.Store;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.ApiKeyStore;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.Tenant;
import dev.quarry.store.tenant.TenantId;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tenants and their keys ({@link Access} states the model). The operator key creates and lists
 * tenants; a tenant's keys are created, listed, revoked and rotated by the operator key or by an
 * {@code admin} key of that same tenant. A key's plaintext is in the response that creates or
 * rotates it only: the store keeps a salted hash, and listings never show a secret or a hash.
 */
public final class TenantRoutes {

  record CreateTenant(String id) {}

  record CreateKey(List<String> scopes, String expiresAt) {}

  record RotateKey(Long graceSeconds) {}

  static final ApiDoc.Param TENANT = ApiDoc.Param.path("tenant",
      "The tenant's id. A tenant's admin key may name only its own tenant; the operator key any.");
  static final ApiDoc.Param KEY = ApiDoc.Param.path("key", "The key's id (`id` when it was created or listed).");

  private static final String KEY_VIEW = "`id`, `tenant`, `scopes`, `created_at`, `last_used_at` (to the minute; null "
      + "when never used), `expires_at`, `revoked_at` (null when not), `previous_secret_valid_until` (after a rotation with a grace period: when "
      + "the previous secret stops working; else null), `active` (neither revoked nor expired)";

  private final Store store;
  private final ApiKeyStore keys;
  private final Clock clock;

  /** {@code keys}: the store's keys as the router authenticates them, so a revocation reaches its cache. */
  public TenantRoutes(Store store, ApiKeyStore keys, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
  }

  public void register(Router router) {
    router.route("POST", "/v1/tenants", Access.operator(),
        ApiDoc.op("createTenant", "Create a tenant")
            .describe("A tenant id is 1-31 characters of a-z and 0-9, optionally in groups joined by single hyphens (acme, acme-eu).")
            .jsonBody(CreateTenant.class, "id")
            .responds(201, "The tenant: `id`, `created_at`")
            .fails(409, "conflict: the tenant exists"),
        (r, caller) -> createTenant(r));
    router.route("GET", "/v1/tenants", Access.operator(),
        ApiDoc.op("listTenants", "List the tenants")
            .describe("Every tenant but the operator's own (`" + Access.OPERATOR_TENANT_ID + "`), by id.")
            .responds(200, "`tenants`: each with `id`, `created_at`"),
        (r, caller) -> listTenants());
    router.route("POST", "/v1/tenants/{tenant}/keys", Access.tenantAdmin(),
        ApiDoc.op("createKey", "Create an API key for a tenant")
            .describe("`scopes` are any of admin, ingest and search; `expires_at` (RFC 3339, in the future) makes the key "
                + "stop working then (401). The plaintext `key` is in this response only: the store keeps a salted hash.")
            .param(TENANT)
            .jsonBody(CreateKey.class, "scopes")
            .responds(201, "The key: `key` (plaintext, shown once), " + KEY_VIEW)
            .fails(404, "not_found: the tenant does not exist"),
        (r, caller) -> createKey(r));
    router.route("GET", "/v1/tenants/{tenant}/keys", Access.tenantAdmin(),
        ApiDoc.op("listKeys", "List a tenant's API keys")
            .describe("Every key of the tenant, revoked and expired ones included, oldest first. Never a secret or a hash.")
            .param(TENANT)
            .responds(200, "`keys`: each with " + KEY_VIEW)
            .fails(404, "not_found: the tenant does not exist"),
        (r, caller) -> listKeys(r));
    router.route("DELETE", "/v1/tenants/{tenant}/keys/{key}", Access.tenantAdmin(),
        ApiDoc.op("revokeKey", "Revoke an API key")
            .describe("The key gets 401 from the next request on. Revoking twice keeps the first time. A revoked key "
                + "stays listed. The operator's last active key cannot be revoked.")
            .param(TENANT).param(KEY)
            .responds(200, "The revoked key: " + KEY_VIEW)
            .fails(404, "not_found: the tenant has no such key")
            .fails(409, "conflict: the operator's last active key"),
        (r, caller) -> revokeKey(r));
    router.route("POST", "/v1/tenants/{tenant}/keys/{key}/rotate", Access.tenantAdmin(),
        ApiDoc.op("rotateKey", "Give an API key a new secret")
            .describe("The key keeps its id, scopes and expiry and gets a new secret, in this response only. The previous "
                + "secret stops working at once, or after `grace_seconds` (0 to " + ApiKeyStore.MAX_ROTATION_GRACE.toSeconds()
                + ", default 0), so clients can switch without an outage; a secret two rotations old stops at once. "
                + "Keys chosen by the operator (`QUARRY_ADMIN_KEY`) are changed by changing the variable instead.")
            .param(TENANT).param(KEY)
            .jsonBody(RotateKey.class)
            .responds(200, "The key: `key` (the new plaintext, shown once), " + KEY_VIEW)
            .fails(404, "not_found: the tenant has no such key")
            .fails(409, "conflict: the key is revoked or expired"),
        (r, caller) -> rotateKey(r));
  }

  private Response createTenant(Request r) throws IOException {
    CreateTenant body = r.body(CreateTenant.class);
    if (body.id() == null) {
      throw ApiException.invalidAt("/id", "a tenant id is required");
    }
    TenantId id;
    try {
      id = TenantCollection.requireApiTenant(body.id());
    } catch (InvalidInputException e) {
      throw ApiException.invalidAt("/id", e.getMessage());
    }
    Tenant t = store.tenants().create(id);
    return Response.created(tenantView(t));
  }

  private Response listTenants() {
    List<Map<String, Object>> tenants = store.tenants().list().stream()
        .filter(t -> !t.id().equals(Access.OPERATOR_TENANT))
        .map(TenantRoutes::tenantView)
        .toList();
    return Response.ok(Map.of("tenants", tenants));
  }

  private Response createKey(Request r) throws IOException {
    TenantId tenant = TenantId.of(r.path("tenant"));
    CreateKey body = r.body(CreateKey.class);
    if (body.scopes() == null || body.scopes().isEmpty()) {
      throw ApiException.invalidAt("/scopes", "at least one scope is required: admin, ingest or search");
    }
    EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (int i = 0; i < body.scopes().size(); i++) {
      String s = body.scopes().get(i);
      try {
        scopes.add(Scope.fromWire(s));
      } catch (InvalidInputException e) {
        throw ApiException.invalidAt("/scopes/" + i, e.getMessage());
      }
    }
    Optional<Instant> expiresAt = Optional.empty();
    if (body.expiresAt() != null) {
      try {
        expiresAt = Optional.of(Instant.parse(body.expiresAt()));
      } catch (DateTimeParseException e) {
        throw ApiException.invalidAt("/expires_at",
            "expires_at must be an RFC 3339 instant such as 2030-01-31T00:00:00Z, got: '" + body.expiresAt() + "'");
      }
      if (!expiresAt.get().isAfter(clock.instant())) {
        throw ApiException.invalidAt("/expires_at", "expires_at must be in the future, got: " + body.expiresAt());
      }
    }
    IssuedKey issued = keys.create(tenant, scopes, expiresAt);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", issued.plaintext());
    out.putAll(keyView(issued.key()));
    return Response.created(out);
  }

  private Response listKeys(Request r) {
    TenantId tenant = existing(r);
    return Response.ok(Map.of("keys", keys.list(tenant).stream().map(this::keyView).toList()));
  }

  private Response revokeKey(Request r) {
    TenantId tenant = TenantId.of(r.path("tenant"));
    String id = r.path("key");
    if (tenant.equals(Access.OPERATOR_TENANT)) {
      Instant now = clock.instant();
      boolean anotherRemains = keys.list(tenant).stream()
          .anyMatch(k -> !k.id().equals(id) && k.has(Scope.ADMIN) && k.activeAt(now));
      if (!anotherRemains && keys.find(tenant, id).isPresent()) {
        throw new ConflictException("API key '" + id + "' is the operator's last active key; create another "
            + "operator key first, or nobody could manage tenants");
      }
    }
    return Response.ok(keyView(keys.revoke(tenant, id)));
  }

  private Response rotateKey(Request r) throws IOException {
    TenantId tenant = TenantId.of(r.path("tenant"));
    RotateKey body = r.body(RotateKey.class);
    long seconds = body.graceSeconds() == null ? 0 : body.graceSeconds();
    long max = ApiKeyStore.MAX_ROTATION_GRACE.toSeconds();
    if (seconds < 0 || seconds > max) {
      throw ApiException.invalidAt("/grace_seconds", "grace_seconds must be 0 to " + max + ", got: " + seconds);
    }
    Duration grace = Duration.ofSeconds(seconds);
    IssuedKey issued = keys.rotate(tenant, r.path("key"), grace);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", issued.plaintext());
    out.putAll(keyView(issued.key()));
    return Response.ok(out);
  }

  /** The path's tenant, or 404 when it does not exist. */
  private TenantId existing(Request r) {
    TenantId tenant = TenantId.of(r.path("tenant"));
    if (store.tenants().find(tenant).isEmpty()) {
      throw new NotFoundException("tenant '" + tenant + "' does not exist");
    }
    return tenant;
  }

  private static Map<String, Object> tenantView(Tenant t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", t.id().value());
    out.put("created_at", t.createdAt().toString());
    return out;
  }

  /** What a key shows: never its secret nor its hash (the store does not hand them out). */
  private Map<String, Object> keyView(ApiKey k) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", k.id());
    out.put("tenant", k.tenant().value());
    out.put("scopes", k.scopes().stream().map(Scope::wireName).sorted().toList());
    out.put("created_at", k.createdAt().toString());
    out.put("last_used_at", k.lastUsedAt().map(Instant::toString).orElse(null));
    out.put("expires_at", k.expiresAt().map(Instant::toString).orElse(null));
    out.put("revoked_at", k.revokedAt().map(Instant::toString).orElse(null));
    out.put("previous_secret_valid_until", k.previousSecretValidUntil().map(Instant::toString).orElse(null));
    out.put("active", k.activeAt(clock.instant()));
    return out;
  }
}

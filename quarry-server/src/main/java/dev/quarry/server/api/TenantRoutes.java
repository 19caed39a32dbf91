package dev.quarry.server.api;

import dev.quarry.server.error.ApiException;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.store.Store;
import dev.quarry.store.key.IssuedKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.Tenant;
import dev.quarry.store.tenant.TenantId;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Administration: {@code POST /v1/tenants} {"id"} and {@code POST /v1/tenants/{tenant}/keys}
 * {"scopes"}. Both need the admin scope. A created key's plaintext is in this one response only:
 * the store keeps a salted hash.
 */
public final class TenantRoutes {

  record CreateTenant(String id) {}

  record CreateKey(List<String> scopes) {}

  private final Store store;

  public TenantRoutes(Store store) {
    this.store = store;
  }

  public void register(Router router) {
    router.route("POST", "/v1/tenants", Access.scope(Scope.ADMIN),
        ApiDoc.op("createTenant", "Create a tenant")
            .describe("A tenant id is 1-31 characters of a-z and 0-9, optionally in groups joined by single hyphens (acme, acme-eu).")
            .jsonBody(CreateTenant.class, "id")
            .responds(201, "The tenant: `id`, `created_at`")
            .fails(409, "conflict: the tenant exists"),
        (r, caller) -> createTenant(r));
    router.route("POST", "/v1/tenants/{tenant}/keys", Access.scope(Scope.ADMIN),
        ApiDoc.op("createKey", "Create an API key for a tenant")
            .describe("`scopes` are any of admin, ingest and search. The plaintext `key` is in this response only: the store keeps a salted hash.")
            .param(ApiDoc.Param.path("tenant", "The tenant's id."))
            .jsonBody(CreateKey.class, "scopes")
            .responds(201, "The key: `key` (plaintext, shown once), `id`, `tenant`, `scopes`")
            .fails(404, "not_found: the tenant does not exist"),
        (r, caller) -> createKey(r));
  }

  private Response createTenant(Request r) throws java.io.IOException {
    CreateTenant body = r.body(CreateTenant.class);
    if (body.id() == null) {
      throw ApiException.invalidAt("/id", "a tenant id is required");
    }
    TenantId id;
    try {
      id = TenantCollection.requireApiTenant(body.id());
    } catch (dev.quarry.core.error.InvalidInputException e) {
      throw ApiException.invalidAt("/id", e.getMessage());
    }
    Tenant t = store.tenants().create(id);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", t.id().value());
    out.put("created_at", t.createdAt().toString());
    return Response.created(out);
  }

  private Response createKey(Request r) throws java.io.IOException {
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
      } catch (dev.quarry.core.error.InvalidInputException e) {
        throw ApiException.invalidAt("/scopes/" + i, e.getMessage());
      }
    }
    IssuedKey issued = store.apiKeys().create(tenant, scopes, Optional.empty());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", issued.plaintext());
    out.put("id", issued.key().id());
    out.put("tenant", tenant.value());
    out.put("scopes", issued.key().scopes().stream().map(Scope::wireName).sorted().toList());
    return Response.created(out);
  }
}

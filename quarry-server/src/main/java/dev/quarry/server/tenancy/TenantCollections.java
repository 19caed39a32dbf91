package dev.quarry.server.tenancy;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.engine.Collection;
import dev.quarry.engine.Quarry;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Request;
import dev.quarry.store.key.ApiKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves the {@code {collection}} of a request in the calling key's tenant, the one way route
 * handlers reach a collection: a collection of another tenant is indistinguishable from one that
 * does not exist (404), so existence does not leak.
 */
public final class TenantCollections {

  /** The {@code {collection}} path parameter, as the API description states it. */
  public static final ApiDoc.Param COLLECTION = ApiDoc.Param.path("collection",
      "A collection of the caller's tenant: " + dev.quarry.core.index.CollectionNames.RULE + ".");

  private final Quarry engine;

  public TenantCollections(Quarry engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  public Quarry engine() {
    return engine;
  }

  /** The caller's key; routes using this resolver are never open. */
  public static ApiKey caller(Optional<ApiKey> key) {
    return key.orElseThrow(() -> new IllegalStateException("collection routes are never open"));
  }

  /** The request's {@code {collection}} in the caller's tenant (not necessarily existing). */
  public static TenantCollection named(Request r, Optional<ApiKey> key) {
    return new TenantCollection(caller(key).tenant(), r.path("collection"));
  }

  /** The open collection, or 404 naming it as the caller knows it. */
  public Collection existing(TenantCollection c) {
    return engine.find(c.engineName())
        .orElseThrow(() -> new NotFoundException("collection '" + c.name() + "' does not exist"));
  }
}

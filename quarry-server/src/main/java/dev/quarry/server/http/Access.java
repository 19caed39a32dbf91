package dev.quarry.server.http;

import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.util.Objects;

/**
 * Who may call a route. The model (README, docs/architecture.md):
 *
 * <ul>
 *   <li>The <b>operator key</b> ({@code QUARRY_ADMIN_KEY}, or the key generated at first start: a
 *       key with the {@code admin} scope of the reserved tenant {@value #OPERATOR_TENANT_ID}) alone
 *       manages tenants and calls the routes that name another tenant ({@link Operator}).
 *   <li>A <b>tenant's keys</b> never act outside their tenant, whatever their scopes: every other
 *       route acts in the key's own tenant ({@link AnyKey}, {@link Scoped}), and a route that names
 *       a tenant in its path refuses a key of any other one ({@link TenantAdmin}).
 *   <li>A tenant's {@code admin} key manages that tenant's keys only ({@link TenantAdmin}).
 * </ul>
 *
 * The router checks access before a handler runs; a refused key gets 403 whether or not the tenant
 * it names exists, so a refusal tells nothing about other tenants.
 */
public sealed interface Access {

  /** The reserved tenant whose {@code admin} keys are the operator's. */
  String OPERATOR_TENANT_ID = "quarry-admin";

  TenantId OPERATOR_TENANT = TenantId.of(OPERATOR_TENANT_ID);

  /** The path parameter a {@link TenantAdmin} route names its tenant with. */
  String TENANT_PARAMETER = "tenant";

  /** Anyone (health probes, the API description). */
  record Open() implements Access {}

  /** Any valid key, acting in its own tenant (what a tenant may know about itself, such as its usage). */
  record AnyKey() implements Access {}

  /** A key holding {@code scope}, acting in its own tenant. */
  record Scoped(Scope scope) implements Access {
    public Scoped {
      Objects.requireNonNull(scope, "scope");
    }
  }

  /** The operator key alone: tenants, and what spans or names other tenants. */
  record Operator() implements Access {}

  /**
   * The operator key, or a key with the {@code admin} scope of the tenant that the path parameter
   * {@value #TENANT_PARAMETER} names: a tenant's administration of itself (its keys).
   */
  record TenantAdmin() implements Access {}

  static Access open() {
    return new Open();
  }

  static Access anyKey() {
    return new AnyKey();
  }

  static Access scope(Scope scope) {
    return new Scoped(scope);
  }

  static Access operator() {
    return new Operator();
  }

  static Access tenantAdmin() {
    return new TenantAdmin();
  }

  /** Whether the route needs a key (every access but {@link Open}). */
  default boolean needsKey() {
    return !(this instanceof Open);
  }

  /** Whether a valid key may still be refused (403): it lacks a scope, or belongs elsewhere. */
  default boolean refusesSomeKeys() {
    return !(this instanceof Open || this instanceof AnyKey);
  }

  /** Whether {@code key} is the operator's: an {@code admin} key of {@link #OPERATOR_TENANT}. */
  static boolean isOperator(ApiKey key) {
    return key.tenant().equals(OPERATOR_TENANT) && key.has(Scope.ADMIN);
  }
}

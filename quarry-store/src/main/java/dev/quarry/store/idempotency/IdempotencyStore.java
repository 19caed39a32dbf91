package dev.quarry.store.idempotency;

import dev.quarry.store.tenant.TenantId;

/**
 * {@code Idempotency-Key} records per tenant. {@link #begin} is atomic (a unique key per tenant and
 * an insert-or-read): of any number of concurrent requests with one key, exactly one gets {@link
 * IdempotencyOutcome.New}. Keys are 1 to {@value #MAX_KEY_LENGTH} printable ASCII characters;
 * {@code requestHash} is the caller's digest of what makes two requests "the same" (method, route,
 * body).
 */
public interface IdempotencyStore {

  int MAX_KEY_LENGTH = 255;

  /**
   * Claims {@code key} for this request, or tells how it was used. An expired record (past its
   * retention) is forgotten first; a request in progress whose lease lapsed is taken over (when the
   * request hash matches).
   */
  IdempotencyOutcome begin(TenantId tenant, String key, String requestHash);

  /**
   * Stores the response of the request that got {@code New}; later {@code begin}s replay it.
   * {@code NotFoundException} when there is no such record, {@code ConflictException} when it is
   * already complete.
   */
  void complete(TenantId tenant, String key, StoredResponse response);

  /** Forgets a request in progress (it failed before doing anything), so a retry runs anew. */
  void abandon(TenantId tenant, String key);

  /** Administrator/worker method (all tenants): deletes records past their retention; how many. */
  int purgeExpired();
}

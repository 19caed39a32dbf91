package dev.quarry.store.erasure;

import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Erasure receipts. Status only moves forward one step at a time: requested, deleted, purged.
 * Asking for the status a receipt already has (or has passed) returns it unchanged, so a worker
 * that crashed after acting but before recording can safely repeat; skipping a step is a {@code
 * ConflictException}.
 */
public interface ErasureStore {

  int MAX_FIELD_LENGTH = 1024;

  /** Issues a receipt in status {@code REQUESTED}; {@code NotFoundException} for an unknown tenant. */
  ErasureReceipt request(TenantId tenant, String key, String value);

  Optional<ErasureReceipt> find(TenantId tenant, String id);

  /** The tenant's receipts, newest first. */
  List<ErasureReceipt> list(TenantId tenant);

  /** Records that the matching documents are deleted (not searchable), and how many there were. */
  default ErasureReceipt markDeleted(TenantId tenant, String id, long documentsDeleted) {
    return markDeleted(tenant, id, documentsDeleted, 0, 0);
  }

  /**
   * Records that the subject's documents, and (for the key {@code user}) chat sessions and memories,
   * are deleted, and how many of each there were.
   */
  ErasureReceipt markDeleted(TenantId tenant, String id, long documentsDeleted, long sessionsDeleted,
      long memoriesDeleted);

  /** Records that the deleted data is gone from the index files. */
  ErasureReceipt markPurged(TenantId tenant, String id);

  /** Worker method (all tenants): up to {@code limit} receipts not yet purged, oldest first. */
  List<ErasureReceipt> unfinished(int limit);
}

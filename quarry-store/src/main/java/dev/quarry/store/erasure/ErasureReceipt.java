package dev.quarry.store.erasure;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The receipt of an erasure request for the documents whose metadata {@code key} equals {@code
 * value} (a data subject). The value is kept so the receipt can prove what was erased; it is the
 * subject's identifier, not their documents. When {@code key} is {@code user}, the subject's chat
 * sessions and memories are deleted too and counted.
 */
public record ErasureReceipt(
    String id,
    TenantId tenant,
    String key,
    String value,
    ErasureStatus status,
    long documentsDeleted,
    Instant requestedAt,
    Optional<Instant> deletedAt,
    Optional<Instant> purgedAt,
    long sessionsDeleted,
    long memoriesDeleted) {

  public ErasureReceipt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(deletedAt, "deletedAt");
    Objects.requireNonNull(purgedAt, "purgedAt");
    if (documentsDeleted < 0 || sessionsDeleted < 0 || memoriesDeleted < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got: " + documentsDeleted + " documents, "
          + sessionsDeleted + " sessions, " + memoriesDeleted + " memories");
    }
  }
}

package dev.quarry.store.session;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A chat session of a tenant, of one end {@code user} or of none: how many turns it holds now,
 * when it was created and last written, and when it expires (its last write plus the TTL).
 */
public record Session(String id, TenantId tenant, Optional<String> user, int turns, Instant createdAt,
    Instant updatedAt, Instant expiresAt) {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (turns < 0) {
      throw new IllegalArgumentException("turns must be >= 0, got: " + turns);
    }
  }

  /** True when {@code caller} (an end user, or none) may read and continue this session. */
  public boolean belongsTo(Optional<String> caller) {
    return user.equals(caller);
  }
}

package dev.quarry.store.experiment;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An online experiment of a tenant on one of its collections: {@code kind} ({@code ab} or {@code
 * interleave}), {@code assignBy} ({@code user} or {@code session}) and {@code arms} (JSON: the arms
 * as the server accepted them), {@code running} until stopped.
 */
public record Experiment(String id, TenantId tenant, String name, String collection, String kind, String assignBy,
    String arms, boolean running, Instant createdAt, Optional<Instant> stoppedAt) {
  public Experiment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(assignBy, "assignBy");
    Objects.requireNonNull(arms, "arms");
    Objects.requireNonNull(createdAt, "createdAt");
    stoppedAt = stoppedAt == null ? Optional.empty() : stoppedAt;
  }
}

package dev.quarry.store.experiment;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A search response served under an experiment, under its request id: the {@code arm} that ranked
 * it (empty when interleaved), a hash of the user or session ({@code unitHash}, never the id
 * itself) and the returned documents ({@code shown}, JSON: each document's id and, when
 * interleaved, the arm whose team contributed it).
 */
public record ImpressionRecord(TenantId tenant, String requestId, String experimentId, Optional<String> arm,
    String unitHash, String shown, Instant createdAt) {
  public ImpressionRecord {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(experimentId, "experimentId");
    arm = arm == null ? Optional.empty() : arm;
    Objects.requireNonNull(unitHash, "unitHash");
    Objects.requireNonNull(shown, "shown");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}

package dev.quarry.store.experiment;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A feedback event ({@code click}, {@code rating} or {@code dwell}) on an impression. */
public record FeedbackRecord(TenantId tenant, String id, String requestId, String experimentId, String event,
    Optional<String> docId, double value, Instant createdAt) {
  public FeedbackRecord {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(event, "event");
    docId = docId == null ? Optional.empty() : docId;
    Objects.requireNonNull(createdAt, "createdAt");
  }
}

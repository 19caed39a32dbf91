package dev.quarry.store.evaluation;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An evaluation job of a tenant: a collection ranked under several configurations ({@code
 * request}, the job's JSON as accepted) against a judgment set, as it was when the job was created
 * ({@code judgmentsFingerprint}); {@code result} (JSON) once it succeeded, {@code error} once it
 * failed.
 */
public record Evaluation(String id, TenantId tenant, String collection, String judgments, String judgmentsFingerprint,
    String request, EvaluationState state, Optional<String> result, Optional<String> error, Instant createdAt,
    Instant updatedAt, Optional<Instant> finishedAt) {
  public Evaluation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(judgments, "judgments");
    Objects.requireNonNull(judgmentsFingerprint, "judgmentsFingerprint");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(state, "state");
    result = result == null ? Optional.empty() : result;
    error = error == null ? Optional.empty() : error;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    finishedAt = finishedAt == null ? Optional.empty() : finishedAt;
  }
}

package dev.quarry.store.evaluation;

import dev.quarry.store.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A tenant's named query set with relevance judgments, as uploaded and normalised: {@code queries}
 * is a JSON object of query id to text, {@code qrels} lines of {@code query-id TAB doc-id TAB grade};
 * {@code fingerprint} is the SHA-256 of both (it moves exactly when the judgments do).
 */
public record JudgmentSet(TenantId tenant, String name, String format, String queries, String qrels, int queryCount,
    int judgmentCount, String fingerprint, Instant createdAt, Instant updatedAt) {
  public JudgmentSet {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(qrels, "qrels");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}

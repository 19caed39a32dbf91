package dev.quarry.store.ledger;

import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the ledger: a model call of a tenant, by a key (empty for calls no key made) in a
 * session (if any), on a route (the model or route the request named), answered by {@code model};
 * its tokens ({@code counted} when Quarry counted them with the model's tokenizer), latency, time to
 * first token, cost in {@link Nanos}, and outcome.
 */
public record ModelCall(TenantId tenant, String id, Optional<String> keyId, Optional<String> session, String route,
    String model, Instant at, long inputTokens, long outputTokens, long cachedTokens, boolean counted,
    Duration latency, Optional<Duration> timeToFirstToken, long costNanos, Outcome outcome) {

  /** How a call ended. */
  public enum Outcome {
    /** The model answered. */
    OK,
    /** The model failed (what it consumed before is recorded). */
    FAILED,
    /** Quarry cut the stream because the budget ran out. */
    CUT;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ModelCall {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    Objects.requireNonNull(outcome, "outcome");
    if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0 || costNanos < 0) {
      throw new IllegalArgumentException("ledger amounts must be >= 0");
    }
  }

  /** The UTC day of the call. */
  public LocalDate day() {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }
}

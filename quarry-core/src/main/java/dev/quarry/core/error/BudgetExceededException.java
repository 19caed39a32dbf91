package dev.quarry.core.error;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A model call refused (or a stream cut) because the tenant's budget does not allow it.
 * {@code budget} names the limit, e.g. {@code tokens_per_day}, {@code cost_per_month},
 * {@code max_tokens_per_request}, {@code allowed_models}; {@code resetAt} is when a windowed
 * budget allows calls again (empty for the limits that do not reset).
 */
public final class BudgetExceededException extends QuarryException {
  private final String budget;
  private final Optional<Instant> resetAt;

  public BudgetExceededException(String budget, Optional<Instant> resetAt, String message) {
    super(message, null);
    this.budget = Objects.requireNonNull(budget, "budget");
    this.resetAt = Objects.requireNonNull(resetAt, "resetAt");
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.BUDGET_EXCEEDED;
  }

  /** The limit that refused the call, as its wire name. */
  public String budget() {
    return budget;
  }

  /** When the limit resets; empty for limits that do not (per request, allowed models and tools). */
  public Optional<Instant> resetAt() {
    return resetAt;
  }
}

package dev.quarry.store.ledger;

import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tenant's budget: tokens and money (in {@link Nanos}) per UTC day and month, the most tokens one
 * request may ask for, and the models and tools it may use. An empty limit is no limit; an empty
 * set of allowed models or tools allows all.
 */
public record Budget(OptionalLong tokensPerDay, OptionalLong tokensPerMonth, OptionalLong costPerDayNanos,
    OptionalLong costPerMonthNanos, OptionalLong maxTokensPerRequest, Optional<Set<String>> allowedModels,
    Optional<Set<String>> allowedTools) {

  /** No limits at all. */
  public static final Budget UNLIMITED = new Budget(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
      OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty());

  public Budget {
    requireNonNegative(tokensPerDay, "tokens_per_day");
    requireNonNegative(tokensPerMonth, "tokens_per_month");
    requireNonNegative(costPerDayNanos, "cost_per_day");
    requireNonNegative(costPerMonthNanos, "cost_per_month");
    requireNonNegative(maxTokensPerRequest, "max_tokens_per_request");
    allowedModels = Objects.requireNonNull(allowedModels, "allowedModels").map(s -> Set.copyOf(new TreeSet<>(s)));
    allowedTools = Objects.requireNonNull(allowedTools, "allowedTools").map(s -> Set.copyOf(new TreeSet<>(s)));
  }

  private static void requireNonNegative(OptionalLong limit, String name) {
    Objects.requireNonNull(limit, name);
    if (limit.isPresent() && limit.getAsLong() < 0) {
      throw new InvalidInputException(name + " must be >= 0, got: " + limit.getAsLong());
    }
  }

  /** Whether any windowed limit (tokens or money per day or month) is set: only then are calls reserved. */
  public boolean windowed() {
    return tokensPerDay.isPresent() || tokensPerMonth.isPresent() || costPerDayNanos.isPresent()
        || costPerMonthNanos.isPresent();
  }

  public boolean allowsModel(String model) {
    return allowedModels.map(s -> s.contains(model)).orElse(true);
  }

  public boolean allowsTool(String tool) {
    return allowedTools.map(s -> s.contains(tool)).orElse(true);
  }
}

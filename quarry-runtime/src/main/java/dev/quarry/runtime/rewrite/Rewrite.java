package dev.quarry.runtime.rewrite;

import dev.quarry.core.chat.TokenUsage;
import java.util.Objects;

/** The query to retrieve with, and the tokens a model spent writing it ({@link TokenUsage#NONE} for the heuristic). */
public record Rewrite(String query, TokenUsage usage) {
  public Rewrite {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(usage, "usage");
    if (query.isBlank()) {
      throw new IllegalArgumentException("a rewritten query must not be blank");
    }
  }
}

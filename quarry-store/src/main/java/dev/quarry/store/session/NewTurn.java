package dev.quarry.store.session;

import java.util.List;
import java.util.Objects;

/** A turn to append to a session: the user's question, the answer, its model, citations and tokens. */
public record NewTurn(String question, String answer, String model, List<TurnCitation> citations, long inputTokens,
    long outputTokens) {
  public NewTurn {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(model, "model");
    citations = List.copyOf(citations);
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0, got " + inputTokens + " and " + outputTokens);
    }
  }
}

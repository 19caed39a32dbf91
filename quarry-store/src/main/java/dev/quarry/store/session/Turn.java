package dev.quarry.store.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored turn, numbered from 1 in its session. {@code redacted}: a document (or memory) the
 * answer cited was deleted since, so the answer reads {@link #REDACTED} and the citations of what
 * was deleted are gone; the question, the user's own words, stays.
 */
public record Turn(int ordinal, String question, String answer, String model, List<TurnCitation> citations,
    long inputTokens, long outputTokens, boolean redacted, Instant createdAt) {

  /** The text of an answer that cited a document deleted since. */
  public static final String REDACTED = "[redacted: a document this answer cited was deleted]";

  public Turn {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(model, "model");
    citations = List.copyOf(citations);
    Objects.requireNonNull(createdAt, "createdAt");
    if (ordinal < 1) {
      throw new IllegalArgumentException("turns are numbered from 1, got: " + ordinal);
    }
  }
}

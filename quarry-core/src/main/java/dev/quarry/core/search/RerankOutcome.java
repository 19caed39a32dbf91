package dev.quarry.core.search;

import java.util.List;
import java.util.Objects;

/** What a {@link Reranker} answered: a score per candidate, or why it could not. */
public sealed interface RerankOutcome {

  /** One finite score per candidate, in the candidates' order. */
  record Scored(List<Double> scores) implements RerankOutcome {
    public Scored {
      scores = List.copyOf(scores);
      for (int i = 0; i < scores.size(); i++) {
        if (!Double.isFinite(scores.get(i))) {
          throw new IllegalArgumentException("re-rank score " + i + " must be finite, got: " + scores.get(i));
        }
      }
    }
  }

  /** The re-ranker could not score (timeout, upstream error); the reason is shown to the caller. */
  record Unavailable(String reason) implements RerankOutcome {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}

package dev.quarry.eval.dataset;

import java.util.Objects;

/** A BEIR query: its {@code _id} and {@code text} from {@code queries.jsonl}. */
public record Query(String id, String text) {
  public Query {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("query id must not be blank");
    }
    Objects.requireNonNull(text, "text");
  }
}

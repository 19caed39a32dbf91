package dev.quarry.store.evaluation;

import java.util.Objects;

/** A judgment set to store under {@code name}, replacing one of that name. */
public record NewJudgments(String name, String format, String queries, String qrels, int queryCount, int judgmentCount,
    String fingerprint) {
  public NewJudgments {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(qrels, "qrels");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }
}

package dev.quarry.store.evaluation;

import java.util.Locale;

/** Where an evaluation job is: {@code queued}, {@code running}, then {@code succeeded} or {@code failed}. */
public enum EvaluationState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED;
  }
}

package dev.quarry.runtime;

import java.util.Objects;

/** Something fell back: the stage it happened in, why, and what was used instead. */
public record Degradation(String stage, String reason, String fallback) {
  public Degradation {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(fallback, "fallback");
  }
}

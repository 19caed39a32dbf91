package dev.quarry.experiment;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A response served under an experiment: its request id, the arm that ranked it ({@code A/B}), or
 * none when it was interleaved, in which case each shown document names the arm that contributed it.
 */
public record Impression(String requestId, Optional<String> arm, List<Shown> shown) {

  /** A returned document and, when interleaved, the arm whose team contributed it. */
  public record Shown(String docId, Optional<String> arm) {
    public Shown {
      Objects.requireNonNull(docId, "docId");
      arm = arm == null ? Optional.empty() : arm;
    }
  }

  public Impression {
    Objects.requireNonNull(requestId, "requestId");
    arm = arm == null ? Optional.empty() : arm;
    shown = List.copyOf(shown);
  }

  /** The arm credited with {@code docId} here: its team when interleaved, else the impression's arm. */
  public Optional<String> creditFor(String docId) {
    if (arm.isPresent()) {
      return arm;
    }
    return shown.stream().filter(s -> s.docId().equals(docId)).findFirst().flatMap(Shown::arm);
  }
}

package dev.quarry.store.ledger;

import java.util.List;
import java.util.Objects;

/** A finished call: its ledger row, and the changes to the budget windows its reservation held. */
public record Settlement(ModelCall call, List<WindowDelta> deltas) {
  public Settlement {
    Objects.requireNonNull(call, "call");
    deltas = List.copyOf(deltas);
  }
}

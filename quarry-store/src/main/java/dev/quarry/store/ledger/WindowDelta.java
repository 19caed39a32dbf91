package dev.quarry.store.ledger;

import java.util.Objects;

/** A change to what a budget window holds: negative to release what a reservation held beyond the real usage. */
public record WindowDelta(String period, long tokens, long costNanos) {
  public WindowDelta {
    Objects.requireNonNull(period, "period");
  }
}

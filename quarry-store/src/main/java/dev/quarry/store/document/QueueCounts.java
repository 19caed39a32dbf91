package dev.quarry.store.document;

import java.util.Objects;

/**
 * The ingestion queue across all tenants at one moment: documents by state, and how many of them
 * a worker could claim now ({@code due}: not indexed or failed, not leased or backing off, not
 * expired).
 */
public record QueueCounts(StateCounts states, long due) {

  public QueueCounts {
    Objects.requireNonNull(states, "states");
    if (due < 0 || due > states.pending()) {
      throw new IllegalArgumentException("due must be in 0.." + states.pending() + " (the pending documents), got: " + due);
    }
  }
}

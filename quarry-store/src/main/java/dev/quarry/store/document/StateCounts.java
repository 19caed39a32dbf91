package dev.quarry.store.document;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** How many documents are in each state; every state is present, zero when none. */
public record StateCounts(Map<DocumentState, Long> counts) {

  public StateCounts {
    EnumMap<DocumentState, Long> all = new EnumMap<>(DocumentState.class);
    for (DocumentState s : DocumentState.values()) {
      long n = counts.getOrDefault(s, 0L);
      if (n < 0) {
        throw new IllegalArgumentException("count of " + s.wireName() + " must be >= 0, got: " + n);
      }
      all.put(s, n);
    }
    counts = Collections.unmodifiableMap(all);
  }

  public long get(DocumentState state) {
    return counts.get(state);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Documents not yet in a terminal state. */
  public long pending() {
    return total() - get(DocumentState.INDEXED) - get(DocumentState.FAILED);
  }
}

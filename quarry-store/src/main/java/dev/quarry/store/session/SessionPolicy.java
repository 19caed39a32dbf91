package dev.quarry.store.session;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a session lives after its last turn ({@code ttl}) and how many turns it keeps ({@code
 * maxTurns}: appending one more deletes the oldest).
 */
public record SessionPolicy(Duration ttl, int maxTurns) {

  public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofDays(7), 50);

  public SessionPolicy {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the session ttl must be positive, got " + ttl);
    }
    if (maxTurns < 1) {
      throw new IllegalArgumentException("max turns must be at least 1, got: " + maxTurns);
    }
  }
}

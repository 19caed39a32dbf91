package dev.quarry.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for a test server: it follows the system clock plus whatever the test moved it forward
 * ({@link #advance}), and each reading is at least a millisecond after the previous one, so the
 * store's millisecond timestamps order events the way they happened. Thread-safe.
 */
public final class MovableClock extends Clock {

  private Duration offset = Duration.ZERO;
  private Instant last = Instant.EPOCH;

  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("the clock only moves forward, got: " + d);
    }
    offset = offset.plus(d);
  }

  @Override
  public synchronized Instant instant() {
    Instant now = Instant.now().plus(offset);
    Instant next = last.plusMillis(1);
    last = now.isBefore(next) ? next : now;
    return last;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is UTC only");
  }
}

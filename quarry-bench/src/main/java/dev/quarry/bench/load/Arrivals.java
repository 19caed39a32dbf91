package dev.quarry.bench.load;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * When the closed-loop clients of {@code chat-stream} send. Client {@code c} of {@code n} starts
 * {@code c / n} of the {@code ramp} after its phase starts, so the clients' chats are spread evenly
 * over the ramp instead of all reaching the server at the same instant ({@code ramp} zero: all at
 * once). Between two chats a client thinks for a time drawn uniformly from {@code [0, jitter]} by a
 * generator seeded with {@code seed}, the phase and the client, so a run's think times are the same
 * every time.
 *
 * @param ramp over how long the clients start
 * @param jitter the longest think time between a client's chats; zero for none
 * @param seed what the think times are drawn from
 */
record Arrivals(Duration ramp, Duration jitter, long seed) {

  Arrivals {
    if (ramp.isNegative()) {
      throw new IllegalArgumentException("--ramp must not be negative, got: " + ramp);
    }
    if (jitter.isNegative()) {
      throw new IllegalArgumentException("--jitter must not be negative, got: " + jitter);
    }
  }

  /** How long after its phase starts client {@code client} of {@code clients} sends its first chat. */
  Duration start(int client, int clients) {
    if (client < 0 || client >= clients) {
      throw new IllegalArgumentException("client must be in 0.." + (clients - 1) + ", got: " + client);
    }
    return ramp.multipliedBy(client).dividedBy(clients);
  }

  /** The think times of one client in one phase, in nanoseconds. */
  ThinkTimes thinkTimes(int phase, int client) {
    return new ThinkTimes(jitter.toNanos(), new SplittableRandom(seed ^ (phase * 0x9E3779B97F4A7C15L) ^ (client * 0xBF58476D1CE4E5B9L)));
  }

  /** Draws one client's think times. Not thread-safe: one per client thread. */
  static final class ThinkTimes {
    private final long maxNanos;
    private final SplittableRandom random;

    private ThinkTimes(long maxNanos, SplittableRandom random) {
      this.maxNanos = maxNanos;
      this.random = random;
    }

    /** The next think time: zero without jitter. */
    long nextNanos() {
      return maxNanos == 0 ? 0 : random.nextLong(maxNanos + 1);
    }
  }
}

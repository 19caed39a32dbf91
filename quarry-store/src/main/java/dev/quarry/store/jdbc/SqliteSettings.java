package dev.quarry.store.jdbc;

import dev.quarry.core.error.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the embedded store keeps its SQLite file. {@code busyTimeout} bounds how long a
 * write waits for the writer (this process's or another's); {@code readConnections} sizes the read
 * pool; {@code fsyncEachCommit} makes every commit survive power loss (synchronous=FULL), not only a
 * crash of the process (NORMAL): acknowledged writes are meant to be durable, so it is on by default.
 */
public record SqliteSettings(Path dataDir, Duration busyTimeout, int readConnections, boolean fsyncEachCommit) {

  public SqliteSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new InvalidInputException("SQLite busyTimeout must be in [0, 24 days], got: " + busyTimeout);
    }
    if (readConnections < 1 || readConnections > 64) {
      throw new InvalidInputException("SQLite readConnections must be in 1..64, got: " + readConnections);
    }
  }

  /** The defaults in {@code dataDir}: 5 s busy timeout, 4 readers, fsync on each commit. */
  public static SqliteSettings in(Path dataDir) {
    return new SqliteSettings(dataDir, Duration.ofSeconds(5), 4, true);
  }
}

package dev.quarry.cli;

import dev.quarry.core.error.ConflictException;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.server.DataDirLock;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --data-dir}, shared by every command that touches stored data, and how a command opens
 * it: a command that changes data holds the directory's lock ({@link DataDirLock}, the one a
 * running server holds) for as long as it runs, and is refused while a server runs there, since
 * the server's store would no longer match its index; a command that only reads opens the indexes
 * read-only, so it works beside a server.
 */
final class DataDirOption {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:QUARRY_DATA_DIR:-data}",
      description = "Data directory (indexes, caches). Default: ./data, or $QUARRY_DATA_DIR.")
  Path dataDir;

  /**
   * An engine on the data directory and, for a command that writes, the directory's lock, held
   * until the session is closed (after the engine, which commits on close).
   */
  record Session(Quarry quarry, Optional<DataDirLock> lock) implements AutoCloseable {
    boolean writable() {
      return lock.isPresent();
    }

    @Override
    public void close() {
      try {
        quarry.close();
      } finally {
        lock.ifPresent(DataDirLock::close);
      }
    }
  }

  /** The engine for a command that changes data, or a {@link ConflictException} naming the holder. */
  Session openForWriting(String command) {
    return tryOpenForWriting().orElseThrow(() -> new ConflictException(
        "data directory " + dataDir + " is in use by a running Quarry server (or another write command): it holds "
            + dataDir.resolve(DataDirLock.FILE_NAME) + ". '" + command + "' would change the index behind the "
            + "server's back; stop the server first, or make the change through its HTTP API. Read-only commands "
            + "(search, collections, eval of an existing collection) work beside it"));
  }

  /** The engine for a command that changes data, or empty when another process holds the directory. */
  Optional<Session> tryOpenForWriting() {
    Optional<DataDirLock> lock = DataDirLock.tryAcquire(dataDir);
    if (lock.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Session(Quarry.open(EngineConfig.defaults(dataDir)), lock));
    } catch (RuntimeException e) {
      lock.get().close();
      throw e;
    }
  }

  /** The engine for a command that only reads: read-only, at each index's last commit. */
  Session openForReading() {
    return new Session(Quarry.openReadOnly(EngineConfig.defaults(dataDir)), Optional.empty());
  }
}

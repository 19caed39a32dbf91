package dev.quarry.server;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on the data directory ({@code server.lock}), held while a server runs, and
 * while a write command of the command line runs, so that two processes never write one embedded
 * store and index. The operating system releases it when the process dies, even by SIGKILL, so a
 * restart after a crash is never refused.
 */
public final class DataDirLock implements AutoCloseable {

  /** The lock file's name in the data directory. */
  public static final String FILE_NAME = "server.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * The lock, or a {@link ConflictException} saying which process to stop when another holds it.
   */
  public static DataDirLock acquire(Path dataDir) {
    return tryAcquire(dataDir).orElseThrow(() -> new ConflictException(
        "another Quarry process (a running server, or a write command of the quarry CLI) holds data directory "
            + dataDir + " (it locks " + dataDir.resolve(FILE_NAME) + "); stop it or use another --data-dir"));
  }

  /** The lock, or empty when another process holds it now. Creates the directory if missing. */
  public static Optional<DataDirLock> tryAcquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this process
      }
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(new DataDirLock(channel, lock));
    } catch (IOException e) {
      throw new StorageException("cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}

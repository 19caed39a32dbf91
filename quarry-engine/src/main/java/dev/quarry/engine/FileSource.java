package dev.quarry.engine;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.ingest.parse.IngestLimits;
import dev.quarry.ingest.parse.ParserRegistry;
import dev.quarry.ingest.parse.SourceWalker;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A file or directory tree as a {@link DocumentSource}: files are parsed by type through the
 * standard parser registry, and progress is counted in bytes read from disk (compressed bytes for
 * {@code .gz}), against the total size of the tree.
 */
final class FileSource implements DocumentSource {

  /** Progress is reported at most once per this many bytes read. */
  private static final long REPORT_EVERY_BYTES = 256 * 1024;

  private final Path root;
  private final Parser registry;
  private long totalBytes = -1;

  private FileSource(Path root, Parser registry) {
    this.root = root;
    this.registry = registry;
  }

  static FileSource of(Path root, IngestLimits limits) {
    if (!Files.exists(root)) {
      throw new NotFoundException("no such file or directory: " + root);
    }
    return new FileSource(root, ParserRegistry.standard(limits));
  }

  @Override
  public long totalBytes() {
    if (totalBytes < 0) {
      try (Stream<Path> files = Files.walk(root)) {
        totalBytes = files.filter(Files::isRegularFile).mapToLong(FileSource::sizeOf).sum();
      } catch (IOException e) {
        totalBytes = 0; // progress without a total; the walk itself reports unreadable entries
      }
    }
    return totalBytes;
  }

  @Override
  public void emit(Consumer<ParseOutcome> sink, LongConsumer bytesRead) {
    long[] read = {0, 0};
    Parser counting = (name, in, out) -> registry.parse(name, new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(long n) {
        read[0] += n;
        if (read[0] - read[1] >= REPORT_EVERY_BYTES) {
          read[1] = read[0];
          bytesRead.accept(read[0]);
        }
      }
    }, out);
    try {
      new SourceWalker(counting).walk(root, sink);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no such file or directory: " + root);
    } catch (IOException e) {
      throw new StorageException("cannot read " + root + ": " + e.getMessage(), e);
    }
    bytesRead.accept(read[0]);
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}

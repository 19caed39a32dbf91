package dev.quarry.engine;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import dev.quarry.engine.ingest.DocumentSource;
import dev.quarry.ingest.parse.IngestLimits;
import dev.quarry.ingest.parse.ParserRegistry;
import dev.quarry.ingest.parse.SourceWalker;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A file or directory tree as a {@link DocumentSource}: files are parsed by type through the
 * standard parser registry, and progress is counted in bytes read from disk (compressed bytes for
 * {@code .gz}), against the total size of the tree.
 *
 * <p>A file that is one document (text, Markdown, HTML, PDF) gets metadata from the file, so that
 * filters can select by it: {@code path} (relative to the root, as the id), {@code file_type} (the
 * format it was read as), {@code size_bytes}, {@code modified} (a date), and what its parser found:
 * {@code title} and, for PDF, {@code pages}. Keys a parser set itself are kept. Documents of a JSONL
 * corpus keep their own metadata only: the corpus file's time is not theirs. {@code modified} is
 * part of the content hash, so a file whose time changed is indexed again.
 */
final class FileSource implements DocumentSource {

  /** Progress is reported at most once per this many bytes read. */
  private static final long REPORT_EVERY_BYTES = 256 * 1024;

  private final Path root;
  private final ParserRegistry registry;
  private long totalBytes = -1;

  private FileSource(Path root, ParserRegistry registry) {
    this.root = root;
    this.registry = registry;
  }

  /**
   * @param types more extensions to read, each as a format the registry has ({@code yaml} ->
   *     {@code text}); see {@link ParserRegistry#withTypes}
   */
  static FileSource of(Path root, IngestLimits limits, Map<String, String> types) {
    if (!Files.exists(root)) {
      throw new NotFoundException("no such file or directory: " + root);
    }
    return new FileSource(root, ParserRegistry.standard(limits).withTypes(types));
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
    Parser counting = (name, in, out) -> {
      String[] format = {""};
      Consumer<ParseOutcome> stamping = outcome -> out.accept(
          outcome instanceof ParseOutcome.Parsed p && p.document().id().equals(name)
              ? new ParseOutcome.Parsed(withFileMetadata(p.document(), name, format[0]))
              : outcome);
      registry.parse(name, new FilterInputStream(in) {
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
      }, stamping, f -> format[0] = f);
    };
    try {
      new SourceWalker(counting).walk(root, sink);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no such file or directory: " + root);
    } catch (IOException e) {
      throw new StorageException("cannot read " + root + ": " + e.getMessage(), e);
    }
    bytesRead.accept(read[0]);
  }

  private Document withFileMetadata(Document d, String name, String format) {
    Path file = Files.isDirectory(root) ? root.resolve(name) : root;
    Map<String, MetadataValue> m = new HashMap<>();
    m.put("path", new MetadataValue.Text(name));
    if (!format.isEmpty()) {
      m.put("file_type", new MetadataValue.Text(format));
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      m.put("size_bytes", new MetadataValue.Number(attributes.size()));
      m.put("modified", new MetadataValue.Date(attributes.lastModifiedTime().toInstant()));
    } catch (IOException e) {
      // read a moment ago; gone now: the document keeps what is known without the file
    }
    if (!d.title().isBlank()) {
      m.put("title", new MetadataValue.Text(d.title()));
    }
    if (!d.pages().isEmpty()) {
      m.put("pages", new MetadataValue.Number(d.pages().size()));
    }
    m.putAll(d.metadata().values()); // the parser's own keys win
    return new Document(d.id(), d.title(), d.text(), new Metadata(m), d.headings(), d.pages(), d.source());
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}

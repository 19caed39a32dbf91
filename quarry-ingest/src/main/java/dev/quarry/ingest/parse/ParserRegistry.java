package dev.quarry.ingest.parse;

import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import dev.quarry.core.parse.Parser;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A {@link Parser} that hands each source to the parser registered for its file name extension
 * (case-insensitive). A name ending in {@code .gz} is decompressed and dispatched on the extension
 * before it ({@code corpus.jsonl.gz} goes to the JSONL parser, keeping the full name in ids and
 * rejections). An unknown extension, or gzip data that is corrupt or truncated, is a {@link
 * Rejected} outcome; only a failure of the underlying stream throws.
 */
public final class ParserRegistry implements Parser {

  private static final String GZIP = "gz";

  private final SortedMap<String, Parser> byExtension;

  /**
   * @param byExtension parsers keyed by extension: lower case, without the dot, not {@code gz}
   */
  public ParserRegistry(Map<String, Parser> byExtension) {
    TreeMap<String, Parser> copy = new TreeMap<>();
    byExtension.forEach(
        (extension, parser) -> {
          if (extension.isBlank()
              || extension.startsWith(".")
              || !extension.equals(extension.toLowerCase(Locale.ROOT))
              || extension.equals(GZIP)) {
            throw new IllegalArgumentException(
                "extension must be non-blank, lower case, without a leading dot and not 'gz', got: '"
                    + extension
                    + "'");
          }
          copy.put(extension, Objects.requireNonNull(parser, "parser for ." + extension));
        });
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a parser registry needs at least one parser");
    }
    this.byExtension = Collections.unmodifiableSortedMap(copy);
  }

  /** Text, Markdown, HTML, PDF and BEIR JSONL, each under {@code limits}. */
  public static ParserRegistry standard(IngestLimits limits) {
    Parser text = new PlainTextParser(limits);
    Parser markdown = new MarkdownParser(limits);
    Parser html = new HtmlParser(limits);
    return new ParserRegistry(
        Map.of(
            "txt", text,
            "md", markdown,
            "markdown", markdown,
            "html", html,
            "htm", html,
            "pdf", new PdfParser(limits),
            "jsonl", new BeirJsonlParser(limits)));
  }

  /** The registered extensions, sorted, without dots. */
  public SortedSet<String> extensions() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byExtension.keySet()));
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    String fileName = fileName(name);
    String extension = extension(fileName);
    if (!extension.equals(GZIP)) {
      Parser parser = byExtension.get(extension);
      if (parser == null) {
        sink.accept(new Rejected(name, unsupported(fileName, extension)));
      } else {
        parser.parse(name, in, sink);
      }
      return;
    }
    String inner = fileName.substring(0, fileName.length() - GZIP.length() - 1);
    Parser parser = byExtension.get(extension(inner));
    if (parser == null) {
      sink.accept(new Rejected(name, unsupported(fileName, extension(inner) + ".gz")));
      return;
    }
    ObservedStream source = new ObservedStream(in);
    try (GZIPInputStream gunzip = new GZIPInputStream(source)) {
      parser.parse(name, gunzip, sink);
    } catch (ZipException | EOFException e) {
      if (source.failed) {
        throw e;
      }
      sink.accept(new Rejected(name, "corrupt or truncated gzip data: " + e.getMessage()));
    }
  }

  private String unsupported(String fileName, String extension) {
    String supported =
        byExtension.keySet().stream().map(e -> "." + e).collect(Collectors.joining(", "));
    String what =
        extension.isEmpty() || extension.equals(".gz")
            ? "unsupported file type: '" + fileName + "' has no extension"
            : "unsupported file type '." + extension + "'";
    return what + " (supported: " + supported + ", each optionally compressed as .gz)";
  }

  private static String fileName(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    return name.substring(slash + 1);
  }

  /** The lower-case text after the last dot, or empty; a leading dot does not start one. */
  private static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot <= 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /**
   * The caller's stream, not closed by us (the {@link Parser} contract), remembering whether it
   * failed, to tell a broken stream (thrown) from corrupt gzip data (rejected).
   */
  private static final class ObservedStream extends FilterInputStream {
    boolean failed;

    ObservedStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failed = true;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failed = true;
        throw e;
      }
    }

    @Override
    public void close() {}
  }
}

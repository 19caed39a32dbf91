package dev.quarry.ingest.parse;

import dev.quarry.core.error.InvalidInputException;
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
import java.util.Optional;
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
 * rejections). A name without an extension ({@code Makefile}, {@code README.Debian}, {@code
 * changelog}) is sniffed: when its first {@value #SNIFF_BYTES} bytes are UTF-8 text without NUL
 * bytes it is plain text. An unknown extension, content without an extension that is not text, or
 * gzip data that is corrupt or truncated, is a {@link Rejected} outcome; only a failure of the
 * underlying stream throws.
 *
 * <p>What counts as an extension: the text after the last dot, when it is registered (in any case)
 * or is lower case with a letter in it, as file-type extensions are ({@code .yaml}, {@code .mp4}). A
 * suffix such as {@code .Debian} or {@code .1} names a variant of a text file, not a type.
 */
public final class ParserRegistry implements Parser {

  /** Bytes read to tell text from binary content in a file without extension. */
  static final int SNIFF_BYTES = 8192;

  /** The format name of plain text, the one sniffed content gets. */
  public static final String TEXT = "text";

  private static final String GZIP = "gz";
  private static final java.util.regex.Pattern TYPE_LIKE = java.util.regex.Pattern.compile("[a-z0-9]*[a-z][a-z0-9]*");

  /** A format: its name (what {@link #parse(String, InputStream, Consumer, Consumer)} reports) and its parser. */
  private record Format(String name, Parser parser) {}

  private final SortedMap<String, Format> byExtension;

  /**
   * @param byExtension parsers keyed by extension: lower case, without the dot, not {@code gz}; each
   *     format is named by its extension
   */
  public ParserRegistry(Map<String, Parser> byExtension) {
    this(named(byExtension));
  }

  private ParserRegistry(SortedMap<String, Format> formats) {
    formats.keySet().forEach(ParserRegistry::requireExtension);
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("a parser registry needs at least one parser");
    }
    this.byExtension = Collections.unmodifiableSortedMap(new TreeMap<>(formats));
  }

  private static SortedMap<String, Format> named(Map<String, Parser> byExtension) {
    TreeMap<String, Format> formats = new TreeMap<>();
    byExtension.forEach((extension, parser) ->
        formats.put(extension, new Format(extension, Objects.requireNonNull(parser, "parser for ." + extension))));
    return formats;
  }

  private static void requireExtension(String extension) {
    if (extension.isBlank()
        || extension.startsWith(".")
        || !extension.equals(extension.toLowerCase(Locale.ROOT))
        || extension.equals(GZIP)) {
      throw new IllegalArgumentException(
          "extension must be non-blank, lower case, without a leading dot and not 'gz', got: '"
              + extension
              + "'");
    }
  }

  /**
   * Text ({@value #TEXT}), Markdown ({@code markdown}), HTML ({@code html}), PDF ({@code pdf}) and
   * BEIR JSONL ({@code jsonl}), each under {@code limits}.
   */
  public static ParserRegistry standard(IngestLimits limits) {
    Parser text = new PlainTextParser(limits);
    Parser markdown = new MarkdownParser(limits);
    Parser html = new HtmlParser(limits);
    Parser pdf = new PdfParser(limits);
    Parser jsonl = new BeirJsonlParser(limits);
    TreeMap<String, Format> formats = new TreeMap<>();
    formats.put("txt", new Format(TEXT, text));
    formats.put("md", new Format("markdown", markdown));
    formats.put("markdown", new Format("markdown", markdown));
    formats.put("html", new Format("html", html));
    formats.put("htm", new Format("html", html));
    formats.put("pdf", new Format("pdf", pdf));
    formats.put("jsonl", new Format("jsonl", jsonl));
    return new ParserRegistry(formats);
  }

  /**
   * This registry with more extensions, each read as one of the formats it has: {@code
   * {"yaml": "text", "xhtml": "html"}}. A format is named by its name ({@code text}, {@code
   * markdown}, ...) or by an extension registered for it ({@code txt}).
   *
   * @throws InvalidInputException naming the formats there are, for an unknown format or a bad
   *     extension
   */
  public ParserRegistry withTypes(Map<String, String> formatByExtension) {
    TreeMap<String, Format> formats = new TreeMap<>(byExtension);
    formatByExtension.forEach((rawExtension, rawFormat) -> {
      String extension = rawExtension.strip().toLowerCase(Locale.ROOT);
      if (extension.startsWith(".")) {
        extension = extension.substring(1);
      }
      if (extension.isEmpty() || extension.equals(GZIP) || extension.contains(".") || extension.contains("/")) {
        throw new InvalidInputException("cannot map file type '" + rawExtension + "': give an extension such as "
            + "'yaml' (not empty, not 'gz', no dots inside)");
      }
      String wanted = rawFormat.strip().toLowerCase(Locale.ROOT);
      Format format = byExtension.values().stream().filter(f -> f.name().equals(wanted)).findFirst()
          .or(() -> Optional.ofNullable(byExtension.get(wanted)))
          .orElseThrow(() -> new InvalidInputException("unknown format '" + rawFormat + "' for ." + rawExtension
              + "; formats: " + String.join(", ", formatNames())));
      formats.put(extension, format);
    });
    return new ParserRegistry(formats);
  }

  /** The registered extensions, sorted, without dots. */
  public SortedSet<String> extensions() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byExtension.keySet()));
  }

  /** The names of the formats, sorted. */
  public SortedSet<String> formatNames() {
    return byExtension.values().stream().map(Format::name).collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    parse(name, in, sink, format -> {});
  }

  /**
   * Parses as {@link #parse(String, InputStream, Consumer)} does, telling {@code formatUsed} the
   * name of the format the source was read as, once, before its outcomes (not at all when the source
   * is rejected for its type).
   */
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink, Consumer<String> formatUsed)
      throws IOException {
    String fileName = fileName(name);
    String extension = extension(fileName);
    if (!extension.equals(GZIP)) {
      dispatch(name, fileName, extension, in, sink, formatUsed);
      return;
    }
    String inner = fileName.substring(0, fileName.length() - GZIP.length() - 1);
    String innerExtension = extension(inner);
    if (!innerExtension.isEmpty() && !byExtension.containsKey(innerExtension)) {
      sink.accept(new Rejected(name, unsupported(innerExtension + ".gz")));
      return;
    }
    ObservedStream source = new ObservedStream(in);
    try (GZIPInputStream gunzip = new GZIPInputStream(source)) {
      dispatch(name, fileName, innerExtension, gunzip, sink, formatUsed);
    } catch (ZipException | EOFException e) {
      if (source.failed) {
        throw e;
      }
      sink.accept(new Rejected(name, "corrupt or truncated gzip data: " + e.getMessage()));
    }
  }

  private void dispatch(String name, String fileName, String extension, InputStream in, Consumer<ParseOutcome> sink,
      Consumer<String> formatUsed) throws IOException {
    if (!extension.isEmpty()) {
      Format format = byExtension.get(extension);
      if (format == null) {
        sink.accept(new Rejected(name, unsupported(extension)));
        return;
      }
      formatUsed.accept(format.name());
      format.parser().parse(name, in, sink);
      return;
    }
    InputStream markable = in.markSupported() ? in : new java.io.BufferedInputStream(in, SNIFF_BYTES);
    Format text = byExtension.values().stream().filter(f -> f.name().equals(TEXT)).findFirst().orElse(null);
    if (text == null || !looksLikeText(markable)) {
      sink.accept(new Rejected(name, "unsupported file type: '" + fileName + "' has no extension and is not UTF-8 text "
          + supported()));
      return;
    }
    formatUsed.accept(TEXT);
    text.parser().parse(name, markable, sink);
  }

  /** Whether the stream starts with UTF-8 text without NUL bytes; the stream is reset to its start. */
  static boolean looksLikeText(InputStream in) throws IOException {
    in.mark(SNIFF_BYTES);
    byte[] sample = in.readNBytes(SNIFF_BYTES);
    in.reset();
    for (byte b : sample) {
      if (b == 0) {
        return false;
      }
    }
    java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(sample.length);
    // not the end of input: a character cut by the sample's end is not an error
    return !utf8.decode(java.nio.ByteBuffer.wrap(sample), chars, sample.length < SNIFF_BYTES).isError();
  }

  private String unsupported(String extension) {
    return "unsupported file type '." + extension + "' " + supported();
  }

  private String supported() {
    String supported =
        byExtension.keySet().stream().map(e -> "." + e).collect(Collectors.joining(", "));
    return "(supported: " + supported + ", each optionally compressed as .gz, and text files without extension)";
  }

  private static String fileName(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    return name.substring(slash + 1);
  }

  /**
   * The lower-case extension of {@code fileName}, or empty when it has none: no dot (a leading dot
   * does not start one), or a suffix that is not registered and does not look like a file type
   * ({@code README.Debian}, {@code app.log.1}).
   */
  private String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot <= 0) {
      return "";
    }
    String suffix = fileName.substring(dot + 1);
    String lower = suffix.toLowerCase(Locale.ROOT);
    if (byExtension.containsKey(lower) || lower.equals(GZIP) || TYPE_LIKE.matcher(suffix).matches()) {
      return lower;
    }
    return "";
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

package dev.quarry.ingest.parse;

import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reading one single-document source under the {@link IngestLimits}, and the checks every parsed
 * text passes (not empty, not too long). Each step reports its own rejection through the sink and
 * returns empty, so a parser reads as a sequence of steps.
 */
final class SourceText {

  private SourceText() {}

  /** The source's bytes, or empty (and a rejection) when it has more than the byte limit. */
  static Optional<byte[]> readBytes(
      String name, InputStream in, IngestLimits limits, Consumer<ParseOutcome> sink)
      throws IOException {
    byte[] bytes = in.readNBytes(limits.maxSourceBytes() + 1);
    if (bytes.length > limits.maxSourceBytes()) {
      sink.accept(new Rejected(name, tooManyBytes("source", limits)));
      return Optional.empty();
    }
    return Optional.of(bytes);
  }

  /**
   * The source decoded as strict UTF-8 without a byte order mark, or empty (and a rejection
   * located at {@code name:line} of the first invalid byte).
   */
  static Optional<String> decode(String name, byte[] bytes, Consumer<ParseOutcome> sink) {
    return switch (new StrictUtf8().decode(bytes, 0, bytes.length)) {
      case StrictUtf8.Text(String text) -> Optional.of(StrictUtf8.withoutByteOrderMark(text));
      case StrictUtf8.Invalid(int at) -> {
        sink.accept(new Rejected(name + ":" + lineOf(bytes, at), invalidUtf8(at)));
        yield Optional.empty();
      }
    };
  }

  /** {@link #readBytes} then {@link #decode}. */
  static Optional<String> read(
      String name, InputStream in, IngestLimits limits, Consumer<ParseOutcome> sink)
      throws IOException {
    Optional<byte[]> bytes = readBytes(name, in, limits, sink);
    return bytes.isEmpty() ? Optional.empty() : decode(name, bytes.get(), sink);
  }

  /**
   * Whether a parsed document text may be indexed; if not, reports why (empty, or longer than
   * {@link IngestLimits#maxDocumentChars()}) at {@code location}.
   */
  static boolean acceptable(
      String location, String text, IngestLimits limits, Consumer<ParseOutcome> sink) {
    Optional<String> problem = problem(text, limits);
    problem.ifPresent(reason -> sink.accept(new Rejected(location, reason)));
    return problem.isEmpty();
  }

  static Optional<String> problem(String text, IngestLimits limits) {
    if (text.isBlank()) {
      return Optional.of(EMPTY_DOCUMENT);
    }
    if (text.length() > limits.maxDocumentChars()) {
      return Optional.of(tooManyChars(text.length(), limits));
    }
    return Optional.empty();
  }

  static final String EMPTY_DOCUMENT = "empty document";

  static String invalidUtf8(long byteOffset) {
    return "invalid UTF-8 at byte " + byteOffset;
  }

  static String tooManyBytes(String what, IngestLimits limits) {
    return what
        + " is larger than the limit of "
        + limits.maxSourceBytes()
        + " bytes (maxSourceBytes)";
  }

  static String tooManyChars(int chars, IngestLimits limits) {
    return "document has "
        + chars
        + " characters, more than the limit of "
        + limits.maxDocumentChars()
        + " (maxDocumentChars)";
  }

  /** The 1-based line of the byte at {@code offset}. */
  private static int lineOf(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}

package dev.quarry.ingest.parse;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Parses a UTF-8 Markdown file into one document whose text is the Markdown source itself, so
 * chunk offsets point into the file the user wrote.
 *
 * <p>Structure comes from ATX headings ({@code #} to {@code ######} at the start of a line, up to
 * three spaces of indentation, followed by a space, a tab or the end of the line); the heading's
 * offset is the start of its line and its title the text without the optional closing {@code #}
 * run. Lines inside fenced code blocks ({@code ```} or {@code ~~~}, closed by a fence of the same
 * character at least as long) are never headings. Setext headings (underlined with {@code ===} or
 * {@code ---}) are not recognised: {@code ---} is far more often a rule or front-matter fence.
 * Headings with an empty title are skipped. The title is the first heading's, else the first
 * non-blank line.
 */
public final class MarkdownParser implements Parser {

  private final IngestLimits limits;

  public MarkdownParser(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    Optional<String> read = SourceText.read(name, in, limits, sink);
    if (read.isEmpty() || !SourceText.acceptable(name, read.get(), limits, sink)) {
      return;
    }
    String text = read.get();
    List<Heading> headings = headings(text);
    String title = headings.isEmpty() ? Titles.firstLine(text) : Titles.clip(headings.getFirst().title());
    sink.accept(
        new ParseOutcome.Parsed(
            new Document(name, title, text, Metadata.empty(), headings, List.of(), name)));
  }

  /** The ATX headings of {@code markdown}, in order, skipping fenced code blocks. */
  static List<Heading> headings(String markdown) {
    List<Heading> headings = new ArrayList<>();
    Optional<Fence> openFence = Optional.empty();
    int lineStart = 0;
    while (lineStart < markdown.length()) {
      int lineEnd = markdown.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = markdown.length();
      }
      String line = markdown.substring(lineStart, lineEnd);
      Optional<Fence> fence = Fence.of(line);
      if (openFence.isPresent()) {
        if (fence.isPresent() && openFence.get().closedBy(fence.get(), line)) {
          openFence = Optional.empty();
        }
      } else if (fence.isPresent()) {
        openFence = fence;
      } else {
        heading(line, lineStart).ifPresent(headings::add);
      }
      lineStart = lineEnd + 1;
    }
    return headings;
  }

  private static Optional<Heading> heading(String line, int offset) {
    int i = indentation(line);
    if (i > 3) {
      return Optional.empty();
    }
    int hashes = 0;
    while (i + hashes < line.length() && line.charAt(i + hashes) == '#') {
      hashes++;
    }
    int after = i + hashes;
    if (hashes < 1
        || hashes > 6
        || (after < line.length() && line.charAt(after) != ' ' && line.charAt(after) != '\t'
            && line.charAt(after) != '\r')) {
      return Optional.empty();
    }
    String title = withoutClosingSequence(line.substring(after).strip());
    return title.isEmpty() ? Optional.empty() : Optional.of(new Heading(hashes, title, offset));
  }

  /** {@code ## Title ##} has the title {@code Title}; a closing run must follow a space. */
  private static String withoutClosingSequence(String content) {
    int end = content.length();
    while (end > 0 && content.charAt(end - 1) == '#') {
      end--;
    }
    if (end == 0) {
      return "";
    }
    if (end < content.length() && (content.charAt(end - 1) == ' ' || content.charAt(end - 1) == '\t')) {
      return content.substring(0, end).strip();
    }
    return content;
  }

  private static int indentation(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** A code fence line: its character ({@code `} or {@code ~}) and length. */
  private record Fence(char marker, int length) {

    static Optional<Fence> of(String line) {
      int i = indentation(line);
      if (i > 3 || i >= line.length()) {
        return Optional.empty();
      }
      char c = line.charAt(i);
      if (c != '`' && c != '~') {
        return Optional.empty();
      }
      int n = 0;
      while (i + n < line.length() && line.charAt(i + n) == c) {
        n++;
      }
      if (n < 3 || (c == '`' && line.indexOf('`', i + n) >= 0)) {
        return Optional.empty(); // a backtick fence's info string may not contain backticks
      }
      return Optional.of(new Fence(c, n));
    }

    /** A closing fence has the same marker, at least the same length, and nothing after it. */
    boolean closedBy(Fence other, String line) {
      return other.marker == marker
          && other.length >= length
          && line.strip().length() == other.length;
    }
  }
}

package dev.quarry.ingest.parse;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jsoup.Jsoup;

/**
 * Parses an HTML file (with jsoup) into one document holding its visible text.
 *
 * <p>Decisions: the bytes must be UTF-8 (a {@code <meta charset>} naming another encoding is not
 * honoured; such files are rejected at their first invalid byte rather than silently garbled).
 * Only the body is read; {@code script}, {@code style}, {@code noscript}, {@code template}, {@code
 * svg}, {@code canvas}, {@code iframe}, {@code object} and elements with the {@code hidden}
 * attribute contribute no text. Whitespace is collapsed as a browser would, except inside {@code
 * pre} and {@code textarea}; block elements are separated by a blank line so paragraphs survive,
 * list items, table rows and {@code br} by a line break. {@code h1}-{@code h6} become {@link
 * Heading}s whose offset is where their text starts in the produced text. The title is {@code
 * <title>}, else the first {@code h1}, else the first non-blank line.
 */
public final class HtmlParser implements Parser {

  private final IngestLimits limits;

  public HtmlParser(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    Optional<String> html = SourceText.read(name, in, limits, sink);
    if (html.isEmpty()) {
      return;
    }
    org.jsoup.nodes.Document dom = Jsoup.parse(html.get());
    VisibleText visible = VisibleText.of(dom.body());
    String text = visible.text();
    if (!SourceText.acceptable(name, text, limits, sink)) {
      return;
    }
    sink.accept(
        new ParseOutcome.Parsed(
            new Document(
                name,
                title(dom, visible.headings(), text),
                text,
                Metadata.empty(),
                visible.headings(),
                List.of(),
                name)));
  }

  private static String title(org.jsoup.nodes.Document dom, List<Heading> headings, String text) {
    String title = Titles.clip(dom.title()); // the head's <title>, never an <svg><title>
    if (!title.isEmpty()) {
      return title;
    }
    return headings.stream()
        .filter(h -> h.level() == 1)
        .findFirst()
        .map(h -> Titles.clip(h.title()))
        .orElseGet(() -> Titles.firstLine(text));
  }
}

package dev.quarry.ingest.parse;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Parses a UTF-8 plain-text file into one document: the text as it is (only a leading byte order
 * mark is dropped), the source name as id, and the first non-blank line as title.
 */
public final class PlainTextParser implements Parser {

  private final IngestLimits limits;

  public PlainTextParser(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    Optional<String> text = SourceText.read(name, in, limits, sink);
    if (text.isEmpty() || !SourceText.acceptable(name, text.get(), limits, sink)) {
      return;
    }
    sink.accept(
        new ParseOutcome.Parsed(
            new Document(
                name,
                Titles.firstLine(text.get()),
                text.get(),
                Metadata.empty(),
                List.of(),
                List.of(),
                name)));
  }
}

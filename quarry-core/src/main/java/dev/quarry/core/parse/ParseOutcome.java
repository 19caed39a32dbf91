package dev.quarry.core.parse;

import dev.quarry.core.document.Document;
import java.util.Objects;

/** What a parser made of one unit of input: a document, or a rejection that says where and why. */
public sealed interface ParseOutcome {

  /** A successfully parsed document. */
  record Parsed(Document document) implements ParseOutcome {
    public Parsed {
      Objects.requireNonNull(document, "document");
    }
  }

  /**
   * Input that was skipped. {@code location} names the file and, where there is one, the line
   * ({@code corpus.jsonl:17}); {@code reason} says what was wrong in words a user can act on.
   */
  record Rejected(String location, String reason) implements ParseOutcome {
    public Rejected {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(reason, "reason");
    }
  }
}

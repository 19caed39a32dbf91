package dev.quarry.store.session;

import java.util.Objects;
import java.util.Optional;

/**
 * A citation an answer used: its marker {@code id}, the collection (empty for a memory of the end
 * user), the document (or memory) id, the chunk, and the quote at {@code [start, end)} of the
 * stored text.
 */
public record TurnCitation(int id, Optional<String> collection, String documentId, int chunk, int start, int end,
    String quote) {
  public TurnCitation {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(quote, "quote");
    if (id < 1 || chunk < 0 || start < 0 || end < start) {
      throw new IllegalArgumentException("a citation needs id >= 1, chunk >= 0 and 0 <= start <= end, got id " + id
          + ", chunk " + chunk + ", [" + start + ", " + end + ")");
    }
  }
}

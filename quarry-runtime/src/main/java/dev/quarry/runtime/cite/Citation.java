package dev.quarry.runtime.cite;

import java.util.Objects;

/**
 * Where a marker {@code [id]} of an answer points: the passage's collection, document id and chunk
 * ordinal, and {@code quote}, the sentence of the passage that best supports the claim, at
 * characters {@code [start, end)} of the stored document's text.
 */
public record Citation(int id, String collection, String documentId, int chunk, int start, int end, String quote) {
  public Citation {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(quote, "quote");
    if (start < 0 || end < start || end - start != quote.length()) {
      throw new IllegalArgumentException("citation offsets [" + start + ", " + end + ") do not match a quote of "
          + quote.length() + " characters");
    }
  }
}

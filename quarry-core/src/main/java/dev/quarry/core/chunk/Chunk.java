package dev.quarry.core.chunk;

import java.util.List;
import java.util.Objects;

/**
 * A piece of a document. {@code text} equals {@code document.text().substring(start, end)}, so a
 * citation points at real source text. {@code embeddingText} is what the embedder sees: the text
 * with whatever context header the chunker adds (title, heading path), and it fits the model's
 * maximum length. {@code page} is 0 when the source has no pages.
 */
public record Chunk(
    String documentId,
    int ordinal,
    String text,
    int start,
    int end,
    int page,
    List<String> headingPath,
    String embeddingText) {

  public Chunk {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(embeddingText, "embeddingText");
    if (ordinal < 0) {
      throw new IllegalArgumentException("ordinal must be >= 0, got: " + ordinal);
    }
    if (start < 0 || end < start || end - start != text.length()) {
      throw new IllegalArgumentException(
          "chunk offsets [" + start + ", " + end + ") do not match text length " + text.length());
    }
    if (page < 0) {
      throw new IllegalArgumentException("page must be >= 0, got: " + page);
    }
    headingPath = List.copyOf(headingPath);
  }

  /** The chunk's stable key within a collection: {@code documentId#ordinal}. */
  public String id() {
    return id(documentId, ordinal);
  }

  public static String id(String documentId, int ordinal) {
    return documentId + "#" + ordinal;
  }
}

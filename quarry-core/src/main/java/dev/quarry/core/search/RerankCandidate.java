package dev.quarry.core.search;

import java.util.Objects;

/**
 * A candidate handed to a {@link Reranker}: its chunk, its document, and the text a re-ranker reads
 * (the document title, a blank line, and the chunk text; the chunk text alone when untitled).
 */
public record RerankCandidate(String chunkId, String documentId, String text) {
  public RerankCandidate {
    Objects.requireNonNull(chunkId, "chunkId");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(text, "text");
  }

  /** The text a re-ranker reads for a chunk of a document titled {@code title}. */
  public static String textOf(String title, String chunkText) {
    return title == null || title.isBlank() ? chunkText : title.strip() + "\n\n" + chunkText;
  }
}

package dev.quarry.core.index;

import dev.quarry.core.document.Metadata;
import java.util.List;

/** A chunk as the index holds it, with its document's title and metadata. */
public record StoredChunk(
    String chunkId,
    String documentId,
    int ordinal,
    String title,
    String text,
    int start,
    int end,
    int page,
    List<String> headingPath,
    Metadata metadata) {
  public StoredChunk {
    headingPath = List.copyOf(headingPath);
  }
}

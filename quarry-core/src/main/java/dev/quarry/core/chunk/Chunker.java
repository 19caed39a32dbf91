package dev.quarry.core.chunk;

import dev.quarry.core.document.Document;
import java.util.List;

/** Splits a document into chunks. Implementations are stateless and thread-safe. */
@FunctionalInterface
public interface Chunker {
  /** Chunks in document order with ordinals 0..n-1; an empty text yields no chunks. */
  List<Chunk> chunk(Document document);
}

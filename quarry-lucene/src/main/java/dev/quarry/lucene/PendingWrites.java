package dev.quarry.lucene;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Content hashes of writes that searchers may not see yet, so {@link
 * LuceneChunkIndex#contentHash(String)} answers with the latest acknowledged upsert or delete even
 * before a refresh (an ingester that skips unchanged documents must not compare against a stale
 * hash).
 *
 * <p>Each write gets an epoch after Lucene has accepted it. A refresh takes {@link #mark()} before
 * opening its searcher; every write with an epoch up to the mark is in that searcher, so
 * {@link #visibleUpTo(long)} can drop it. Later writes stay until the next refresh.
 */
final class PendingWrites {

  /** The latest write of a document: its hash, or empty for a delete. */
  record Pending(Optional<String> contentHash, long epoch) {}

  private final ConcurrentHashMap<String, Pending> entries = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();

  /** Called after Lucene accepted the write, under the document's write lock. */
  void record(String documentId, Optional<String> contentHash) {
    entries.put(documentId, new Pending(contentHash, epoch.incrementAndGet()));
  }

  Optional<Pending> lookup(String documentId) {
    return Optional.ofNullable(entries.get(documentId));
  }

  long mark() {
    return epoch.get();
  }

  /** Forgets writes a searcher opened after {@code mark} was taken can see. */
  void visibleUpTo(long mark) {
    entries.entrySet().removeIf(e -> e.getValue().epoch() <= mark);
  }
}

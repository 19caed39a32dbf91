package dev.quarry.store.document;

import dev.quarry.store.collection.CollectionKey;
import dev.quarry.store.tenant.TenantId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fair claiming: workers take due documents in turns, round-robin over the tenants that have due
 * documents and, within each tenant, over its collections that have due documents, one batch of one
 * collection per turn.
 *
 * <p>Why: claiming the oldest due documents first made a tenant's one-document batch wait behind
 * every document another tenant had queued before it (over 60 s behind a 5,183-document job).
 * Taking turns, a tenant's large job delays another tenant's documents by at most the batch being
 * processed when they arrive, and a large job in one collection delays its tenant's other
 * collections the same way. Within a collection, the oldest due documents still go first.
 *
 * <p>The turns are this process's (the store keeps no cursor): workers of one process share one
 * instance; several processes on one database each take turns of their own and never claim the
 * same document ({@link DocumentStateStore#claimDue}). Thread-safe.
 */
public final class ClaimTurns {

  /** Turns tried per claim when other workers took the due documents of a collection first. */
  static final int MAX_TURNS_PER_CLAIM = 16;

  private final DocumentStateStore documents;
  private Optional<TenantId> lastTenant = Optional.empty();
  private final Map<TenantId, String> lastCollection = new HashMap<>();

  public ClaimTurns(DocumentStateStore documents) {
    this.documents = Objects.requireNonNull(documents, "documents");
  }

  /**
   * Claims up to {@code limit} due documents of the collection whose turn it is (see {@link
   * DocumentStateStore#claimDue}). When another worker claimed that collection's due documents
   * first, the next turn is tried. Empty when nothing is due.
   */
  public List<DocumentRecord> claim(int limit, Duration lease) {
    Optional<CollectionKey> first = Optional.empty();
    for (int i = 0; i < MAX_TURNS_PER_CLAIM; i++) {
      Optional<CollectionKey> turn = next();
      if (turn.isEmpty() || turn.equals(first)) {
        return List.of();
      }
      if (first.isEmpty()) {
        first = turn;
      }
      List<DocumentRecord> claimed = documents.claimDue(turn.get(), limit, lease);
      if (!claimed.isEmpty()) {
        return claimed;
      }
    }
    return List.of();
  }

  /** The collection whose turn is next, or empty when nothing is due. */
  synchronized Optional<CollectionKey> next() {
    Optional<TenantId> tenant = documents.nextTenantDue(lastTenant);
    if (tenant.isEmpty()) {
      return Optional.empty();
    }
    lastTenant = tenant;
    TenantId t = tenant.get();
    Optional<String> collection = documents.nextCollectionDue(t, Optional.ofNullable(lastCollection.get(t)));
    if (collection.isEmpty()) {
      return Optional.empty(); // claimed by another worker in between
    }
    lastCollection.put(t, collection.get());
    return Optional.of(CollectionKey.of(t, collection.get()));
  }
}

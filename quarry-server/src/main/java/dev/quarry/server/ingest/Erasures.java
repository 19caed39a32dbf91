package dev.quarry.server.ingest;

import dev.quarry.core.index.Filter;
import dev.quarry.engine.Collection;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.DeletedRows;
import dev.quarry.store.Store;
import dev.quarry.store.collection.CollectionRecord;
import dev.quarry.store.erasure.ErasureReceipt;
import dev.quarry.store.erasure.ErasureStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Erasure of a data subject: every document of the tenant whose metadata {@code key} equals {@code
 * value}, in every collection. A receipt is issued at once ({@code requested}); the worker deletes
 * the matching documents, indexed or still in ingestion ({@code deleted}: no longer searchable),
 * then removes their bytes from every place Quarry wrote them ({@code purged}): it rewrites the
 * index segments until no deleted record remains in them, empties the passage-vector cache of each
 * of the tenant's collections, and has the store push deleted rows out of its files ({@link
 * #places} lists each place and its state for the receipt).
 *
 * <p>An erasure whose key is {@value #SUBJECT_USER} also deletes that end user's chat sessions and
 * memories. Every erasure redacts, in the stored turns of the tenant's sessions, the answers that
 * cited a deleted document (the store does that on reading too, for documents deleted otherwise).
 *
 * <p>Each step is idempotent, so a crash between acting and recording repeats the step. Decision:
 * "purged" speaks for the files in the data directory. On SQLite that includes the store
 * ({@code secure_delete} zeroes freed pages, the write-ahead log is checkpointed and truncated);
 * PostgreSQL keeps deleted rows' bytes until their space is reused ({@link DeletedRows}), so there
 * the receipt reports the store as {@code deleted}, not {@code purged}.
 */
public final class Erasures {

  /**
   * The key that names an end user of chat: an erasure by it also deletes that user's sessions and
   * memories (counted on the receipt).
   */
  public static final String SUBJECT_USER = "user";

  private static final System.Logger LOG = System.getLogger(Erasures.class.getName());

  private final Store store;
  private final TenantCollections collections;
  private final Ingestion ingestion;
  private final WriteLocks locks;

  public Erasures(Store store, TenantCollections collections, Ingestion ingestion, WriteLocks locks) {
    this.store = store;
    this.collections = collections;
    this.ingestion = ingestion;
    this.locks = locks;
  }

  /** Moves every unfinished erasure as far as it can go; returns how many advanced. */
  public int advance() {
    int advanced = 0;
    for (ErasureReceipt r : store.erasures().unfinished(100)) {
      try {
        if (r.status() == ErasureStatus.REQUESTED) {
          long deleted = 0;
          Filter subject = new Filter.Term(r.key(), r.value());
          for (CollectionRecord c : store.collections().list(r.tenant())) {
            TenantCollection tc = new TenantCollection(r.tenant(), c.key().name());
            if (collections.engine().find(tc.engineName()).isPresent()) {
              deleted += ingestion.deleteMatching(tc, subject);
            }
          }
          long sessions = 0;
          long memories = 0;
          if (r.key().equals(SUBJECT_USER)) {
            sessions = store.sessions().deleteOfUser(r.tenant(), r.value());
            memories = store.memories().deleteOfUser(r.tenant(), r.value());
          }
          // answers that cited what was just deleted lose its text now, before the purge
          store.sessions().scrubDeleted(r.tenant());
          r = store.erasures().markDeleted(r.tenant(), r.id(), deleted, sessions, memories);
          advanced++;
        }
        if (r.status() == ErasureStatus.DELETED && purgeAll(r)) {
          store.erasures().markPurged(r.tenant(), r.id());
          advanced++;
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "erasure " + r.id() + " of tenant " + r.tenant()
            + " did not advance; will retry: " + e.getMessage());
      }
    }
    return advanced;
  }

  private boolean purgeAll(ErasureReceipt r) {
    boolean clean = true;
    for (CollectionRecord c : store.collections().list(r.tenant())) {
      String name = new TenantCollection(r.tenant(), c.key().name()).engineName();
      // looked up under the write lock: a collection dropped meanwhile is gone, not a closed index
      long left = locks.with(name, () -> collections.engine().find(name).map(Collection::purgeDeleted).orElse(0L));
      clean &= left == 0;
    }
    return clean && store.purgeDeleted();
  }

  /**
   * Where an erasure removes data, in order, and how far it has got in each: {@code pending},
   * {@code deleted} (unreachable through the API, the bytes possibly still in files) or {@code
   * purged} (the bytes are in no file of the data directory). The index and the store are deleted
   * from at {@code deleted}; the passage-vector caches are emptied, and the index and the store
   * purged, at {@code purged}, except a store that keeps deleted rows until their space is reused.
   */
  public static Map<String, String> places(ErasureStatus status, DeletedRows store) {
    Map<String, String> out = new LinkedHashMap<>();
    String removed = switch (status) {
      case REQUESTED -> "pending";
      case DELETED -> "deleted";
      case PURGED -> "purged";
    };
    out.put("index", removed);
    out.put("embedding_cache", status == ErasureStatus.PURGED ? "purged" : "pending");
    out.put("store", status == ErasureStatus.PURGED && store == DeletedRows.UNTIL_REUSED ? "deleted" : removed);
    return out;
  }
}

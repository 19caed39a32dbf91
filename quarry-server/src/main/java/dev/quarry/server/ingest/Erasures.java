package dev.quarry.server.ingest;

import dev.quarry.core.index.Filter;
import dev.quarry.engine.Collection;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Store;
import dev.quarry.store.collection.CollectionRecord;
import dev.quarry.store.erasure.ErasureReceipt;
import dev.quarry.store.erasure.ErasureStatus;
import java.util.Optional;

/**
 * Erasure of a data subject: every document of the tenant whose metadata {@code key} equals {@code
 * value}, in every collection. A receipt is issued at once ({@code requested}); the worker deletes
 * the matching documents, indexed or still in ingestion ({@code deleted}: no longer searchable),
 * then rewrites the index files until no deleted record remains in them ({@code purged}).
 *
 * <p>Each step is idempotent, so a crash between acting and recording repeats the step. Decision:
 * "purged" speaks for the index files. The store deletes the documents' rows and content in the
 * same step; SQLite runs with {@code secure_delete}, so freed pages are zeroed, while PostgreSQL
 * reclaims dead rows at its next VACUUM (an operator's schedule).
 */
public final class Erasures {

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
          r = store.erasures().markDeleted(r.tenant(), r.id(), deleted);
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
      TenantCollection tc = new TenantCollection(r.tenant(), c.key().name());
      Optional<Collection> collection = collections.engine().find(tc.engineName());
      if (collection.isPresent()) {
        long left = locks.with(tc.engineName(), () -> collection.get().purgeDeleted());
        clean &= left == 0;
      }
    }
    return clean;
  }
}

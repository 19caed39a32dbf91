package dev.quarry.store.collection;

import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/** Collections of a tenant. */
public interface CollectionStore {

  /**
   * Creates a collection; {@code ConflictException} when it exists, {@code NotFoundException} when
   * the tenant does not.
   */
  CollectionRecord create(CollectionKey key, SettingsJson settings);

  /** Creates the collection or replaces its settings, atomically. */
  CollectionPut put(CollectionKey key, SettingsJson settings);

  Optional<CollectionRecord> find(CollectionKey key);

  /** The tenant's collections by name. */
  List<CollectionRecord> list(TenantId tenant);

  /**
   * Deletes a collection with, in the same transaction, its document states. Its jobs remain
   * readable until their retention ends ({@link dev.quarry.store.job.JobStore#deleteFinishedOlderThan}):
   * each is stamped finished and {@code collectionDeletedAt}, with its counts as they were. False
   * when there was no such collection.
   */
  boolean delete(CollectionKey key);
}

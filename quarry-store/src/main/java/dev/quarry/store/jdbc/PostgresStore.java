package dev.quarry.store.jdbc;

import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;

/** Opens the store on PostgreSQL, for deployments with several Quarry instances. */
public final class PostgresStore {

  private PostgresStore() {}

  /**
   * Connects (failing fast with {@code StorageException} when the server is unreachable), creates
   * the schema when one is named, and applies missing migrations under an advisory lock.
   */
  public static Store open(PostgresSettings settings, StoreOptions options) {
    return JdbcStore.open(new PostgresDatabase(settings), options);
  }
}

package dev.quarry.store;

/**
 * What becomes of the bytes of rows a store deleted once {@link Store#purgeDeleted()} has
 * finished: what an erasure's {@code purged} can promise of the store.
 */
public enum DeletedRows {

  /**
   * In none of the database's files (SQLite: {@code secure_delete} zeroes deleted rows in their
   * pages and on the free list, and the write-ahead log, whose older frames still held them, is
   * checkpointed and truncated).
   */
  ERASED,

  /**
   * Unreachable, but their bytes stay in the table files as dead tuples until new rows reuse the
   * space that VACUUM frees (VACUUM does not overwrite it; VACUUM FULL rewrites the table), in WAL
   * segments until they are recycled, and in any base backup, WAL archive or replica (PostgreSQL).
   */
  UNTIL_REUSED;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

package dev.quarry.embed.cache;

/** Counters of an {@link EmbeddingCache} since it was opened, and how many vectors it holds. */
public record CacheStats(long hits, long misses, int entries) {
  public CacheStats {
    if (hits < 0 || misses < 0 || entries < 0) {
      throw new IllegalArgumentException(
          "cache counters must be >= 0, got hits " + hits + ", misses " + misses + ", entries " + entries);
    }
  }

  /** Hits over lookups, 0 when nothing was looked up. */
  public double hitRate() {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}

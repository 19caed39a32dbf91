package dev.quarry.engine;

/**
 * Sizes of the engine's in-memory caches, in entries; 0 turns a cache off.
 *
 * <ul>
 *   <li>{@code queryVectors}: query embeddings per model, keyed by collection and text (384 floats
 *       are about 1.5 KB, so 10,000 entries are about 15 MB per model).
 *   <li>{@code searchResults}: whole responses, keyed by collection, index generation and request,
 *       shared by all collections (10 hits with their text are some tens of KB, so 1,000 entries
 *       are some tens of MB).
 * </ul>
 */
public record CacheSettings(int queryVectors, int searchResults) {

  public static final CacheSettings DEFAULT = new CacheSettings(10_000, 1_000);

  public static final CacheSettings OFF = new CacheSettings(0, 0);

  public CacheSettings {
    if (queryVectors < 0) {
      throw new IllegalArgumentException("query vector cache entries must be >= 0 (0 = off), got: " + queryVectors);
    }
    if (searchResults < 0) {
      throw new IllegalArgumentException("search result cache entries must be >= 0 (0 = off), got: " + searchResults);
    }
  }

  public CacheSettings withQueryVectors(int entries) {
    return new CacheSettings(entries, searchResults);
  }

  public CacheSettings withSearchResults(int entries) {
    return new CacheSettings(queryVectors, entries);
  }
}

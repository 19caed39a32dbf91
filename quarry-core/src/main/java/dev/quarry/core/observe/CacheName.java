package dev.quarry.core.observe;

/** The caches whose lookups are reported to a {@link CacheObserver}, with their label values. */
public enum CacheName {
  /** Query embeddings, per model and collection, in memory. */
  QUERY_VECTOR("query_vector"),
  /** Whole search responses, per collection, index generation and request, in memory. */
  SEARCH_RESULT("search_result");

  private final String wireName;

  CacheName(String wireName) {
    this.wireName = wireName;
  }

  /** The metric label value, e.g. {@code search_result}. */
  public String wireName() {
    return wireName;
  }
}

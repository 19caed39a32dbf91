package dev.quarry.engine;

import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.CacheObserver;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whole search responses in memory, least recently used first out, shared by every collection of
 * one engine and bounded as a whole.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>The key is (collection, the opening of it, index generation, request). The collection name
 *       carries the tenant on the server ({@code <tenant>--<collection>}); the opening number tells
 *       a dropped-and-recreated collection from the old one (a new index may reach the same
 *       generation number); the generation is the reader version every write moves on once it is
 *       visible; the request record is the normalised request (query, mode, k, offset, filter,
 *       fusion, grouping, explain, candidates), so two requests share an entry only when they ask
 *       exactly the same thing. A write therefore never invalidates anything: it makes the old
 *       entries unreachable, and they age out.
 *   <li>A response is stored only when the generation read before the search equals the one read
 *       after it and the one the response reports, so every reader the search leased saw that one
 *       generation (generations only grow). A search that raced a refresh is answered, not cached;
 *       nor is a degraded one (its re-ranker did not answer): a remote re-ranker's outage outlasts
 *       no request.
 *   <li>In the engine, not the server: the engine knows the generation and the opening, and the
 *       command line and benchmarks go through the same path.
 * </ul>
 */
final class SearchResultCache {

  private record Key(String collection, long opening, long generation, SearchRequest request) {}

  private final int capacity;
  private final CacheObserver observer;
  private final Map<Key, SearchResponse> entries;

  SearchResultCache(int capacity, CacheObserver observer) {
    if (capacity < 1) {
      throw new IllegalArgumentException("search result cache capacity must be at least 1, got: " + capacity);
    }
    this.capacity = capacity;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, SearchResponse> eldest) {
        return size() > SearchResultCache.this.capacity;
      }
    };
  }

  /**
   * The cached response of {@code request} on the current generation of the collection, or {@code
   * search}'s, which is cached when it read one generation throughout.
   */
  SearchResponse search(String collection, long opening, LongSupplier generation, SearchRequest request,
      Supplier<SearchResponse> search) {
    long before = generation.getAsLong();
    Key key = new Key(collection, opening, before, request);
    Optional<SearchResponse> cached;
    synchronized (entries) {
      cached = Optional.ofNullable(entries.get(key));
    }
    observer.lookups(CacheName.SEARCH_RESULT, cached.isPresent() ? 1 : 0, cached.isPresent() ? 0 : 1);
    if (cached.isPresent()) {
      return cached.get();
    }
    SearchResponse response = search.get();
    // a degraded response (a re-ranker that did not answer) is not kept: the next one may be whole
    if (response.degraded().isEmpty() && response.generation() == before && generation.getAsLong() == before) {
      synchronized (entries) {
        entries.put(key, response);
      }
    }
    return response;
  }

  /** Drops every entry of {@code collection} (it was dropped; the entries could no longer be reached). */
  void forget(String collection) {
    synchronized (entries) {
      entries.keySet().removeIf(k -> k.collection().equals(collection));
    }
  }

  /** Entries held now. */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}

package dev.quarry.core.observe;

/** Receives cache lookups as they happen. Thread-safe and cheap, like {@link StageObserver}. */
@FunctionalInterface
public interface CacheObserver {

  /** {@code hits} lookups of {@code cache} were answered from it and {@code misses} were not. */
  void lookups(CacheName cache, int hits, int misses);

  /** Records nothing. */
  CacheObserver NONE = (cache, hits, misses) -> {};
}

package dev.quarry.server.config;

import dev.quarry.core.error.InvalidInputException;
import java.util.Objects;

/**
 * The server's in-memory caches (section {@code cache}): search results, and the embeddings of
 * queries.
 */
public record CacheConfig(Cache results, Cache queryEmbeddings) {

  /** One cache: whether it is used, and the most entries it keeps. */
  public record Cache(boolean enabled, int maxEntries) {

    /** Enabled, up to 10,000 entries. */
    public static final Cache DEFAULT = new Cache(true, 10_000);

    public Cache {
      if (maxEntries < 1) {
        throw new InvalidInputException("cache maxEntries must be at least 1, got: " + maxEntries);
      }
    }

    static Cache from(ConfigSection s) {
      Cache c = new Cache(s.bool("enabled").orElse(DEFAULT.enabled()),
          s.integer("max_entries", 1, 10_000_000).orElse(DEFAULT.maxEntries()));
      s.done();
      return c;
    }
  }

  public static final CacheConfig DEFAULT = new CacheConfig(Cache.DEFAULT, Cache.DEFAULT);

  public CacheConfig {
    Objects.requireNonNull(results, "results");
    Objects.requireNonNull(queryEmbeddings, "queryEmbeddings");
  }

  /** Binds section {@code cache}: {@code results} and {@code query_embeddings}. */
  public static CacheConfig from(ConfigSection s) {
    CacheConfig c = new CacheConfig(Cache.from(s.section("results")), Cache.from(s.section("query_embeddings")));
    s.done();
    return c;
  }
}

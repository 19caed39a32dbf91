package dev.quarry.runtime.tools;

import dev.quarry.runtime.retrieve.Source;
import java.util.List;
import java.util.Optional;

/**
 * The collections a request's built-in tools may read: one tenant's, resolved by the server from the
 * caller's key, so a tool can never name another tenant's collection.
 */
public interface TenantSources {
  /** The collection the tenant calls {@code name}, if it has one. */
  Optional<Source> find(String name);

  /** What the search tool reads when the model names no collection: the request's own collections. */
  List<Source> defaults();
}

package dev.quarry.server.http;

import dev.quarry.store.key.Scope;
import java.util.Objects;

/**
 * Who may call a route: anyone (health probes), any valid key (what a tenant may know about itself
 * whatever the key's scopes, such as its usage), or a key holding one scope.
 */
public sealed interface Access {

  record Open() implements Access {}

  record AnyKey() implements Access {}

  record Scoped(Scope scope) implements Access {
    public Scoped {
      Objects.requireNonNull(scope, "scope");
    }
  }

  static Access open() {
    return new Open();
  }

  static Access anyKey() {
    return new AnyKey();
  }

  /** Whether the route needs a key (every access but {@link Open}). */
  default boolean needsKey() {
    return !(this instanceof Open);
  }

  static Access scope(Scope scope) {
    return new Scoped(scope);
  }
}

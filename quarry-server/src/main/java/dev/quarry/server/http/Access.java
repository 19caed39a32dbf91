package dev.quarry.server.http;

import dev.quarry.store.key.Scope;
import java.util.Objects;

/** Who may call a route: anyone (health probes), or a key holding one scope. */
public sealed interface Access {

  record Open() implements Access {}

  record Scoped(Scope scope) implements Access {
    public Scoped {
      Objects.requireNonNull(scope, "scope");
    }
  }

  static Access open() {
    return new Open();
  }

  static Access scope(Scope scope) {
    return new Scoped(scope);
  }
}

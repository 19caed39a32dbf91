package dev.quarry.server.http;

import dev.quarry.store.key.ApiKey;
import java.io.IOException;
import java.util.Optional;

/** A route's code. {@code caller} is present for every route that is not {@link Access.Open}. */
@FunctionalInterface
public interface Handler {
  Response handle(Request request, Optional<ApiKey> caller) throws IOException;
}

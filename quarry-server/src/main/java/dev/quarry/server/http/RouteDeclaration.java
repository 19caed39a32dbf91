package dev.quarry.server.http;

import java.util.Objects;
import java.util.Optional;

/**
 * A route as the router holds it, without its handler: what the API description is generated from.
 *
 * @param template the path with {@code {name}} segments for parameters
 * @param doc empty when the route was declared without a descriptor (the OpenAPI drift test fails)
 * @param replaysIdempotencyKey whether the router answers a repeat with the same {@code
 *     Idempotency-Key} from the first response (authenticated POSTs, when enabled)
 */
public record RouteDeclaration(String method, String template, Access access, Optional<ApiDoc> doc,
    boolean replaysIdempotencyKey) {

  public RouteDeclaration {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(doc, "doc");
  }

  /** {@code METHOD template}, as logs and test failures name a route. */
  @Override
  public String toString() {
    return method + " " + template;
  }
}

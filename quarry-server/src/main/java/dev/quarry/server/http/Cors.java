package dev.quarry.server.http;

import dev.quarry.server.config.CorsConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.observe.TraceContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Cross-origin resource sharing (the Fetch standard's CORS protocol) for the origins of {@link
 * CorsConfig}: the answer to {@code OPTIONS} (a preflight, or a plain question about a path's
 * methods), and the headers that let a page of an allowed origin read any response, errors
 * included.
 *
 * <p>Decisions: credentials are never allowed ({@code Access-Control-Allow-Credentials} is not
 * sent): the API authenticates with bearer keys, which a page sends explicitly, never with cookies.
 * A preflight needs no key (browsers send none) and reveals only the methods of a path, as {@code
 * Allow} on a 405 does. A preflight from an origin that is not allowed, or for a method or header
 * the route does not take, is refused with 403 in the error shape, so the cause is visible in the
 * browser's network panel rather than only as a CORS error. Every answer to a request with an
 * {@code Origin} header carries {@code Vary: Origin}, so caches keep answers per origin.
 */
final class Cors {

  /** How long a browser may cache a preflight's answer: 10 minutes. */
  static final String MAX_AGE_SECONDS = "600";

  /** Request headers a page may send besides the CORS-safelisted ones. */
  private static final Set<String> ALLOWED_HEADERS;

  /** Response headers a page may read besides the CORS-safelisted ones. */
  private static final String EXPOSED_HEADERS;

  static {
    SortedSet<String> allowed = new TreeSet<>(List.of("authorization", "content-type", "idempotency-key",
        "if-match", "if-none-match", "x-request-id"));
    TraceContext.headerNames().forEach(n -> allowed.add(n.toLowerCase(Locale.ROOT)));
    ALLOWED_HEADERS = java.util.Collections.unmodifiableSortedSet(allowed);
    List<String> exposed = new ArrayList<>(List.of("X-Request-Id", "ETag", "Location", "Retry-After",
        Idempotency.REPLAYED_HEADER));
    exposed.addAll(TraceContext.headerNames());
    EXPOSED_HEADERS = String.join(", ", exposed);
  }

  private final CorsConfig config;

  Cors(CorsConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * The answer to {@code OPTIONS} on a path whose routes take {@code methods}: 204 with {@code
   * Allow}, and for a CORS preflight from an allowed origin the {@code Access-Control-Allow-*}
   * headers.
   */
  Response options(Exchange request, SortedSet<String> methods) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Allow", String.join(", ", methods));
    Optional<String> origin = request.header("Origin");
    Optional<String> requested = request.header("Access-Control-Request-Method");
    if (origin.isPresent() && requested.isPresent()) {
      preflight(origin.get(), requested.get(), request, methods);
      headers.put("Access-Control-Allow-Methods", String.join(", ", methods));
      headers.put("Access-Control-Allow-Headers", String.join(", ", ALLOWED_HEADERS));
      headers.put("Access-Control-Max-Age", MAX_AGE_SECONDS);
    }
    return new Response(204, Map.of(), headers, false);
  }

  private void preflight(String origin, String method, Exchange request, SortedSet<String> methods) {
    if (!config.enabled()) {
      throw ApiException.of(ServerErrorCode.FORBIDDEN, "cross-origin requests are off on this server; "
          + "an operator allows origins with cors.allowed_origins (QUARRY_CORS_ALLOWED_ORIGINS)");
    }
    if (!config.allows(origin)) {
      throw ApiException.of(ServerErrorCode.FORBIDDEN, "origin '" + origin
          + "' is not allowed to call this API; an operator adds it to cors.allowed_origins");
    }
    if (!methods.contains(method)) {
      throw ApiException.of(ServerErrorCode.FORBIDDEN, "method '" + method + "' is not allowed here; allowed: "
          + String.join(", ", methods));
    }
    List<String> refused = new ArrayList<>();
    for (String value : request.headers("Access-Control-Request-Headers")) {
      for (String name : value.split(",")) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty() && !ALLOWED_HEADERS.contains(n)) {
          refused.add(n);
        }
      }
    }
    if (!refused.isEmpty()) {
      throw ApiException.of(ServerErrorCode.FORBIDDEN, "request header(s) " + String.join(", ", refused)
          + " are not allowed; allowed: " + String.join(", ", ALLOWED_HEADERS));
    }
  }

  /**
   * Adds to {@code response} the headers that let the page of the request's {@code Origin} read
   * it, when that origin is allowed; {@code Vary: Origin} whenever CORS is on.
   */
  void decorate(Exchange exchange) {
    if (!config.enabled()) {
      return;
    }
    exchange.addHeader("Vary", "Origin");
    String origin = exchange.header("Origin").orElse(null);
    if (origin == null || !config.allows(origin)) {
      return;
    }
    exchange.setHeader("Access-Control-Allow-Origin", config.allowedOrigins().contains(CorsConfig.ANY) ? "*" : origin);
    exchange.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  }
}

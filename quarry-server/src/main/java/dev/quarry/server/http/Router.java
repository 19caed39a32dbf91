package dev.quarry.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.server.config.CorsConfig;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.Problem;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.metrics.MetricNames;
import dev.quarry.server.metrics.Metrics;
import dev.quarry.server.observe.AccessLog;
import dev.quarry.server.observe.RequestSpan;
import dev.quarry.server.observe.TraceContext;
import dev.quarry.server.observe.Tracing;
import dev.quarry.store.idempotency.IdempotencyStore;
import dev.quarry.store.key.ApiKey;
import dev.quarry.store.key.ApiKeyStore;
import dev.quarry.store.key.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Dispatches requests to routes declared as {@code METHOD /v1/collections/{collection}} and is the
 * one place every response is written: it assigns the request id (an inbound {@code X-Request-Id}
 * of safe characters is kept), authenticates the bearer key, checks the route's scope, and turns
 * every failure into the error body via {@link Problem#of(Throwable)}. It also answers the W3C
 * {@code traceparent} and {@code tracestate} (same trace, a new span id), traces the request
 * ({@link Tracing}: a server span, with the engine's stages under it), reports it to {@link
 * Metrics} and writes its {@link AccessLog} line.
 *
 * <p>Decisions: authentication runs after routing, so an unknown path answers 404 and a wrong method
 * 405 whoever asks; neither reveals anything a tenant owns. {@code HEAD} is served by every {@code
 * GET} route (the same status and headers, no body); {@code OPTIONS} on any path with routes answers
 * 204 with {@code Allow}, and a CORS preflight from an allowed origin ({@link Cors}). A route takes
 * only the query parameters its {@link ApiDoc} declares: any other is refused with 400 naming it, as
 * unknown fields of a JSON body are.
 */
public final class Router implements HttpHandler {

  private static final System.Logger LOG = System.getLogger(Router.class.getName());
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private record Route(String method, String template, List<String> segments, Access access,
      Optional<ApiDoc> doc, Handler handler) {}

  /** The route template a request matched, set during dispatch (for metrics and logs). */
  private static final class Matched {
    String template = MetricNames.UNMATCHED_ROUTE;
    Optional<String> tenant = Optional.empty();

    /** The template of the route that matched, if one did. */
    Optional<String> route() {
      return template.equals(MetricNames.UNMATCHED_ROUTE) ? Optional.empty() : Optional.of(template);
    }
  }

  private final List<Route> routes = new ArrayList<>();
  private final ApiKeyStore keys;
  private final JsonCodec json;
  private final long maxBodyBytes;
  private final Metrics metrics;
  private Optional<Idempotency> idempotency = Optional.empty();
  private AccessLog accessLog = AccessLog.NONE;
  private Tracing tracing = Tracing.off();
  private Cors cors = new Cors(CorsConfig.DEFAULT);
  private final Map<String, Long> bodyLimits = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, java.util.function.Function<Problem, Map<String, Object>>> errorShapes =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Router(ApiKeyStore keys, JsonCodec json, long maxBodyBytes) {
    this(keys, json, maxBodyBytes, Metrics.NONE);
  }

  /**
   * Honours {@code Idempotency-Key} on every authenticated POST with {@code store} (see {@link
   * Idempotency} for the semantics); without this call the header is ignored.
   */
  public Router idempotentPosts(IdempotencyStore store) {
    this.idempotency = Optional.of(new Idempotency(store, json));
    return this;
  }

  /** A router that reports every request's route template, status and latency to {@code metrics}. */
  public Router(ApiKeyStore keys, JsonCodec json, long maxBodyBytes, Metrics metrics) {
    this.keys = keys;
    this.json = json;
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Declares a route without a descriptor; {@code path} segments in braces are parameters. It is
   * served, but the OpenAPI drift test fails until it has a descriptor.
   */
  public Router route(String method, String path, Access access, Handler handler) {
    routes.add(checked(new Route(method, path, segments(path), access, Optional.empty(), handler)));
    return this;
  }

  /**
   * Allows bodies up to {@code limit} bytes on one route (batch uploads), instead of the router's
   * default limit.
   */
  public Router bodyLimit(String method, String path, long limit) {
    bodyLimits.put(method + " " + path, limit);
    return this;
  }

  /** Declares a route and what the API description says about it. */
  public Router route(String method, String path, Access access, ApiDoc doc, Handler handler) {
    routes.add(checked(new Route(method, path, segments(path), access, Optional.of(doc), handler)));
    return this;
  }

  /** The route, after checking that an access naming a path parameter has it. */
  private static Route checked(Route route) {
    if (route.access() instanceof Access.TenantAdmin
        && !route.segments().contains("{" + Access.TENANT_PARAMETER + "}")) {
      throw new IllegalArgumentException(route.method() + " " + route.template()
          + ": a tenant-admin route names its tenant in the path as {" + Access.TENANT_PARAMETER + "}");
    }
    return route;
  }

  /**
   * Writes the errors of the routes whose template is one of {@code templates} in {@code shape}
   * instead of Quarry's ({@code code}, {@code message}, ...), e.g. OpenAI's for its compatible API;
   * failures before a route matched (404, 405) keep Quarry's.
   */
  public Router errorShape(java.util.function.Function<Problem, Map<String, Object>> shape, String... templates) {
    for (String t : templates) {
      errorShapes.put(t, shape);
    }
    return this;
  }

  /** The routes declared so far, in declaration order. */
  public List<RouteDeclaration> routes() {
    return routes.stream()
        .map(r -> new RouteDeclaration(r.method(), r.template(), r.access(), r.doc(),
            r.method().equals("POST") && r.access().needsKey() && idempotency.isPresent()))
        .toList();
  }

  /** Writes one line per request to {@code log}; without this call nothing is logged per request. */
  public Router accessLog(AccessLog log) {
    this.accessLog = Objects.requireNonNull(log, "log");
    return this;
  }

  /**
   * Traces every request with {@code tracing} (a server span, with the engine's stages under it);
   * without this call requests get a {@link TraceContext} only.
   */
  public Router tracing(Tracing tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    return this;
  }

  /** Lets pages of the origins {@code config} allows call the API from a browser; without this call CORS is off. */
  public Router cors(CorsConfig config) {
    this.cors = new Cors(config);
    return this;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    Matched matched = new Matched();
    String requestId = exchange.getRequestHeaders().getFirst("X-Request-Id");
    if (requestId == null || !SAFE_ID.matcher(requestId).matches()) {
      requestId = UUID.randomUUID().toString();
    }
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    RequestSpan span = tracing.request(Optional.ofNullable(exchange.getRequestHeaders().getFirst("traceparent")),
        joined(exchange.getRequestHeaders(), "tracestate"), method, requestId);
    TraceContext trace = span.trace();
    AccessLog.putRequest(requestId, trace); // every line logged while serving it carries its ids
    int status;
    String errorCode = "";
    Map<String, Object> body;
    boolean stamp = true;
    try {
      String id = requestId;
      Response r = span.run(() -> dispatch(exchange, id, matched));
      if (r.stream().isPresent()) {
        stream(exchange, r, requestId, trace, span, started, method, matched);
        return;
      }
      status = r.status();
      body = r.body();
      r.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      stamp = r.withRequestId();
    } catch (Exception | StackOverflowError e) {
      Problem p = Problem.of(e);
      if (p.status() == 500) {
        LOG.log(System.Logger.Level.ERROR, "request " + requestId + " (trace " + trace.traceId() + ") failed", e);
      }
      metrics.errorRaised(p.code());
      if (p.details().get(Problem.RETRY_AFTER_SECONDS) instanceof Long seconds) {
        exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
      }
      status = p.status();
      errorCode = p.code();
      var shape = errorShapes.get(matched.template);
      if (shape != null) {
        body = new LinkedHashMap<>(shape.apply(p));
      } else {
        body = new LinkedHashMap<>();
        body.put("code", p.code());
        body.put("message", p.message());
        body.put("retryable", p.retryable());
        body.put("details", p.details());
      }
    }
    if (stamp) {
      body.put("request_id", requestId);
    }
    byte[] bytes = status == 204 ? new byte[0] : json.write(body);
    try (exchange) {
      if (status != 204) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
      }
      exchange.getResponseHeaders().set("X-Request-Id", requestId);
      trace.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      cors.decorate(exchange.getRequestHeaders(), exchange.getResponseHeaders());
      if (status == 204 || method.equals("HEAD")) {
        // no body: HEAD says how long the GET's body is; the JDK server then wants -1 (and warns otherwise)
        if (status != 204) {
          exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
        }
        exchange.sendResponseHeaders(status, -1);
      } else {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } finally {
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      metrics.requestCompleted(matched.template, method, status, took);
      accessLog.log(new AccessLog.Entry(requestId, trace, matched.tenant, method, matched.template, status, took));
      span.end(matched.route(), matched.tenant, status, errorCode);
      AccessLog.clearRequest();
    }
  }

  /**
   * Sends a streamed response: the headers at once, then the body as its writer produces it, under
   * the request's span (so the stages it runs are traced). A client that goes away ends it quietly.
   */
  private void stream(HttpExchange exchange, Response r, String requestId, TraceContext trace, RequestSpan span,
      long started, String method, Matched matched) {
    try (exchange) {
      r.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      exchange.getResponseHeaders().set("X-Request-Id", requestId);
      exchange.getResponseHeaders().set("traceparent", trace.traceparent());
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(r.status(), 0);
      try (OutputStream out = exchange.getResponseBody()) {
        span.run(() -> {
          r.stream().get().write(out);
          return null;
        });
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "request " + requestId + ": the client went away mid-stream: " + e.getMessage());
    } finally {
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      metrics.requestCompleted(matched.template, method, r.status(), took);
      accessLog.log(new AccessLog.Entry(requestId, trace, matched.tenant, method, matched.template, r.status(), took));
      span.end(matched.route(), matched.tenant, r.status(), "");
    }
  }

  private Response dispatch(HttpExchange exchange, String requestId, Matched matched) throws IOException {
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    TreeSet<String> allowed = new TreeSet<>();
    Map<String, Route> byMethod = new LinkedHashMap<>();
    Map<String, Map<String, String>> paramsByMethod = new LinkedHashMap<>();
    for (Route route : routes) {
      Optional<Map<String, String>> p = match(route.segments(), path);
      if (p.isPresent() && byMethod.putIfAbsent(route.method(), route) == null) {
        paramsByMethod.put(route.method(), p.get());
        allowed.add(route.method());
      }
    }
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    // HEAD is served by the GET route unless a HEAD route was declared
    String served = method.equals("HEAD") && !byMethod.containsKey("HEAD") ? "GET" : method;
    if (byMethod.containsKey(served)) {
      Route route = byMethod.get(served);
      Map<String, String> params = paramsByMethod.get(served);
      matched.template = route.template();
      Optional<ApiKey> caller = authorize(route.access(), exchange, params);
      matched.tenant = caller.map(k -> k.tenant().value());
      long limit = bodyLimits.getOrDefault(route.method() + " " + route.template(), maxBodyBytes);
      Request request = new Request(exchange, params, requestId, limit, json);
      request.refuseUnknownQuery(route.doc().map(Router::queryParameters).orElse(List.of()));
      if (method.equals("POST") && caller.isPresent() && idempotency.isPresent()
          && request.header(Idempotency.HEADER).isPresent()) {
        return idempotency.get().run(method, request, caller.get(), route.handler(),
            () -> exchange.getResponseHeaders().set(Idempotency.REPLAYED_HEADER, "true"));
      }
      return route.handler().handle(request, caller);
    }
    if (!allowed.isEmpty()) {
      allowed.add("OPTIONS");
      if (method.equals("OPTIONS")) {
        return cors.options(exchange.getRequestHeaders(), allowed);
      }
      exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
      throw ApiException.of(ServerErrorCode.METHOD_NOT_ALLOWED,
          method + " is not allowed here; allowed: " + String.join(", ", allowed));
    }
    throw new NotFoundException("no route for " + method + " " + exchange.getRequestURI().getRawPath());
  }

  /** The names of the query parameters {@code doc} declares. */
  private static List<String> queryParameters(ApiDoc doc) {
    return doc.params().stream().filter(p -> p.in() == ApiDoc.Param.In.QUERY).map(ApiDoc.Param::name).toList();
  }

  /** Every value of header {@code name} joined by commas (how HTTP combines repeated fields), if any. */
  private static Optional<String> joined(com.sun.net.httpserver.Headers headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
  }

  /** The caller's key when {@code access} lets it call the route, see {@link Access} for the model. */
  private Optional<ApiKey> authorize(Access access, HttpExchange exchange, Map<String, String> params) {
    if (access instanceof Access.Open) {
      return Optional.empty();
    }
    ApiKey key = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
    switch (access) {
      case Access.Open o -> { }
      case Access.AnyKey a -> { }
      case Access.Scoped s -> requireScope(key, s.scope());
      case Access.Operator o -> {
        if (!Access.isOperator(key)) {
          throw ApiException.of(ServerErrorCode.FORBIDDEN, "only the operator key (QUARRY_ADMIN_KEY, or the key "
              + "generated at first start) may call this route; a tenant's keys act in their own tenant only");
        }
      }
      case Access.TenantAdmin t -> {
        if (!Access.isOperator(key)) {
          if (!key.tenant().value().equals(params.get(Access.TENANT_PARAMETER))) {
            throw ApiException.of(ServerErrorCode.FORBIDDEN, "this key belongs to tenant '" + key.tenant()
                + "' and acts in it only; another tenant is managed with the operator key");
          }
          requireScope(key, Scope.ADMIN);
        }
      }
    }
    return Optional.of(key);
  }

  private static void requireScope(ApiKey key, Scope scope) {
    if (!key.has(scope)) {
      throw ApiException.of(ServerErrorCode.FORBIDDEN, "this key lacks the '" + scope.wireName() + "' scope this route needs");
    }
  }

  private ApiKey authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiException.of(ServerErrorCode.UNAUTHENTICATED, "send an API key as 'Authorization: Bearer <key>'");
    }
    String plaintext = authorization.substring(7).trim();
    Optional<ApiKey> key;
    try {
      key = keys.authenticate(plaintext);
    } catch (dev.quarry.core.error.InvalidInputException e) {
      key = Optional.empty(); // text that cannot be a key is just a wrong key to the caller
    }
    return key.orElseThrow(() -> ApiException.of(ServerErrorCode.UNAUTHENTICATED,
        "the API key is wrong, revoked or expired"));
  }

  private static Optional<Map<String, String>> match(List<String> pattern, List<String> path) {
    if (pattern.size() != path.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String p = pattern.get(i);
      if (p.startsWith("{") && p.endsWith("}")) {
        String value = Request.decode(path.get(i));
        if (value.isEmpty()) {
          return Optional.empty();
        }
        params.put(p.substring(1, p.length() - 1), value);
      } else if (!p.equals(path.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}

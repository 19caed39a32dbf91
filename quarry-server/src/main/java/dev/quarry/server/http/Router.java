package dev.quarry.server.http;

import dev.quarry.core.error.ErrorCode;
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
public final class Router {

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

  /** Serves {@code exchange}: dispatches it and writes the answer, whatever happens. */
  public void handle(Exchange exchange) throws IOException {
    serve(exchange, (matched, requestId) -> dispatch(exchange, requestId, matched));
  }

  /**
   * Answers {@code exchange} with {@code failure} (through the same path as a route's failure:
   * error shape, request id, metrics, access log), for what is refused before the routes, such as
   * a method the {@code /metrics} endpoint does not take.
   */
  public void refuse(Exchange exchange, RuntimeException failure) throws IOException {
    serve(exchange, (matched, requestId) -> {
      throw failure;
    });
  }

  @FunctionalInterface
  private interface Dispatch {
    Response run(Matched matched, String requestId) throws IOException;
  }

  private static String requestId(Exchange exchange) {
    String requestId = exchange.header("X-Request-Id").orElse(null);
    return requestId == null || !SAFE_ID.matcher(requestId).matches() ? UUID.randomUUID().toString() : requestId;
  }

  private void serve(Exchange exchange, Dispatch dispatch) throws IOException {
    long started = System.nanoTime();
    Matched matched = new Matched();
    String requestId = requestId(exchange);
    String method = exchange.method().toUpperCase(Locale.ROOT);
    RequestSpan span = tracing.request(exchange.header("traceparent"), joined(exchange.headers("tracestate")),
        method, requestId);
    TraceContext trace = span.trace();
    AccessLog.putRequest(requestId, trace); // every line logged while serving it carries its ids
    int status;
    String errorCode = "";
    Map<String, Object> body;
    boolean stamp = true;
    try {
      String id = requestId;
      Response r = span.run(() -> dispatch.run(matched, id));
      if (r.stream().isPresent()) {
        stream(exchange, r, requestId, trace, span, started, method, matched);
        return;
      }
      status = r.status();
      body = r.body();
      r.headers().forEach(exchange::setHeader);
      stamp = r.withRequestId();
    } catch (Exception | StackOverflowError e) {
      Problem p = Problem.of(e);
      if (p.status() == 500) {
        LOG.log(System.Logger.Level.ERROR, "request " + requestId + " (trace " + trace.traceId() + ") failed", e);
      }
      metrics.errorRaised(p.code());
      if (p.details().get(Problem.RETRY_AFTER_SECONDS) instanceof Long seconds) {
        exchange.setHeader("Retry-After", Long.toString(seconds));
      }
      status = p.status();
      errorCode = p.code();
      body = errorBody(p, errorShapes.get(matched.template));
    }
    if (stamp) {
      body.put("request_id", requestId);
    }
    byte[] bytes = status == 204 ? new byte[0] : json.write(body);
    try {
      if (status != 204) {
        exchange.setHeader("Content-Type", "application/json");
      }
      exchange.setHeader("X-Request-Id", requestId);
      trace.headers().forEach(exchange::setHeader);
      cors.decorate(exchange);
      if (status == 204 || method.equals("HEAD")) {
        // no body: HEAD says how long the GET's body is
        if (status != 204) {
          exchange.setHeader("Content-Length", Integer.toString(bytes.length));
        }
        exchange.send(status, -1);
      } else {
        try (OutputStream out = exchange.send(status, bytes.length)) {
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

  private static Map<String, Object> errorBody(Problem p,
      java.util.function.Function<Problem, Map<String, Object>> shape) {
    if (shape != null) {
      return new LinkedHashMap<>(shape.apply(p));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", p.code());
    body.put("message", p.message());
    body.put("retryable", p.retryable());
    body.put("details", p.details());
    return body;
  }

  /**
   * The error body for a request the HTTP server refused before any route could see it ({@code
   * status} with the server's {@code reason}), or that failed with {@code failure} before anything
   * was sent; sets the response headers (JSON, request id) and reports it to metrics and the
   * access log. The caller writes the body with {@code status}.
   */
  byte[] rejected(Exchange exchange, int status, String reason, Throwable failure) {
    String requestId;
    String method;
    try {
      requestId = requestId(exchange);
      method = String.valueOf(exchange.method()).toUpperCase(Locale.ROOT);
    } catch (RuntimeException e) { // the request line did not parse: no headers, maybe no method
      requestId = UUID.randomUUID().toString();
      method = "UNKNOWN";
    }
    Problem p = switch (status) {
      case 400 -> Problem.of(ErrorCode.INVALID_INPUT, badRequest(reason, failure));
      case 413 -> Problem.of(ServerErrorCode.PAYLOAD_TOO_LARGE, "the request is too large: " + describe(reason),
          Map.of());
      case 414 -> Problem.of(ServerErrorCode.URI_TOO_LONG, "the request line exceeds the limit of "
          + HttpEdge.MAX_HEADER_BYTES + " bytes", Map.of());
      case 431 -> Problem.of(ServerErrorCode.HEADERS_TOO_LARGE, "the request's headers exceed the limit of "
          + HttpEdge.MAX_HEADER_BYTES + " bytes", Map.of());
      case 505 -> Problem.of(ServerErrorCode.HTTP_VERSION_NOT_SUPPORTED,
          "this server speaks HTTP/1.0 and HTTP/1.1: " + describe(reason), Map.of());
      default -> status >= 400 && status < 500
          ? new Problem(status, ErrorCode.INVALID_INPUT.wireName(), "the request was refused: " + describe(reason),
              false, Map.of())
          : Problem.of(ServerErrorCode.INTERNAL, "internal error; see the server log for this request id", Map.of());
    };
    if (p.status() == 500) {
      LOG.log(System.Logger.Level.ERROR, "request " + requestId + " failed before an answer was sent"
          + (reason == null ? "" : ": " + reason), failure);
    }
    metrics.errorRaised(p.code());
    Map<String, Object> body = errorBody(p, null);
    body.put("request_id", requestId);
    try {
      exchange.setHeader("Content-Type", "application/json");
      exchange.setHeader("X-Request-Id", requestId);
      if (status >= 400 && status < 500) {
        exchange.setHeader("Connection", "close"); // what follows a request that did not parse is not trusted
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "request " + requestId + ": headers could not be set: " + e);
    }
    accessLog.log(new AccessLog.Entry(requestId, TraceContext.continuing(Optional.empty()), Optional.empty(), method,
        MetricNames.UNMATCHED_ROUTE, p.status(), Duration.ZERO));
    metrics.requestCompleted(MetricNames.UNMATCHED_ROUTE, method, p.status(), Duration.ZERO);
    return json.write(body);
  }

  /**
   * What was wrong with a request the server's parser refused: a bad percent-encoding of the path
   * (which the parser decodes before any route sees it) is named as such; otherwise the parser's
   * reason (an illegal character, a header without a colon, ...).
   */
  private static String badRequest(String reason, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.startsWith("!hex") || m.contains("% encoding")) {
        return "invalid percent-encoding in the request's path: every '%' must start two hex digits";
      }
      if (m.contains("Illegal character in path")) {
        return "the request's path holds a character no path may hold, such as an encoded NUL (%00)";
      }
    }
    return "the request is not valid HTTP/1.1: " + describe(reason);
  }

  private static String describe(String reason) {
    return reason == null || reason.isBlank() ? "no reason given" : reason;
  }

  /**
   * Sends a streamed response: the headers at once, then the body as its writer produces it, under
   * the request's span (so the stages it runs are traced). A client that goes away ends it quietly.
   */
  private void stream(Exchange exchange, Response r, String requestId, TraceContext trace, RequestSpan span,
      long started, String method, Matched matched) {
    try {
      r.headers().forEach(exchange::setHeader);
      exchange.setHeader("X-Request-Id", requestId);
      exchange.setHeader("traceparent", trace.traceparent());
      exchange.setHeader("Cache-Control", "no-cache");
      cors.decorate(exchange);
      try (OutputStream out = exchange.send(r.status(), 0)) {
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
      AccessLog.clearRequest();
    }
  }

  private Response dispatch(Exchange exchange, String requestId, Matched matched) throws IOException {
    List<String> path = segments(exchange.rawPath());
    String method = exchange.method().toUpperCase(Locale.ROOT);
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
            () -> exchange.setHeader(Idempotency.REPLAYED_HEADER, "true"));
      }
      return route.handler().handle(request, caller);
    }
    if (!allowed.isEmpty()) {
      allowed.add("OPTIONS");
      if (method.equals("OPTIONS")) {
        return cors.options(exchange, allowed);
      }
      exchange.setHeader("Allow", String.join(", ", allowed));
      throw ApiException.of(ServerErrorCode.METHOD_NOT_ALLOWED,
          method + " is not allowed here; allowed: " + String.join(", ", allowed));
    }
    throw new NotFoundException("no route for " + method + " " + exchange.rawPath());
  }

  /** The names of the query parameters {@code doc} declares. */
  private static List<String> queryParameters(ApiDoc doc) {
    return doc.params().stream().filter(p -> p.in() == ApiDoc.Param.In.QUERY).map(ApiDoc.Param::name).toList();
  }

  /** Every value of header {@code name} joined by commas (how HTTP combines repeated fields), if any. */
  private static Optional<String> joined(List<String> values) {
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
  }

  /** The caller's key when {@code access} lets it call the route, see {@link Access} for the model. */
  private Optional<ApiKey> authorize(Access access, Exchange exchange, Map<String, String> params) {
    if (access instanceof Access.Open) {
      return Optional.empty();
    }
    ApiKey key = authenticate(exchange.header("Authorization").orElse(null));
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

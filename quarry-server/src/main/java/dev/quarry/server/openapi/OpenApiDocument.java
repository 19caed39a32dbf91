package dev.quarry.server.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.error.ErrorCode;
import dev.quarry.server.error.ServerErrorCode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.RouteDeclaration;
import dev.quarry.store.key.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 description of the routes a router declares. Each route's {@link ApiDoc} gives
 * the summary, body, parameters and success statuses; the rest comes from the declaration itself:
 * path parameters from the template, the bearer key and its scope from the {@link Access},
 * {@code Idempotency-Key} where the router replays it, request schemas from the body records
 * ({@link RecordSchemas}), and the error responses any route of that shape can give, all with the
 * one error body of {@code Problem}.
 *
 * <p>Decisions: paths are sorted and methods in a fixed order, so the document does not change
 * with the order routes are declared in. The one server is {@code /}, the origin that serves the
 * document, since the same document is served by every deployment. Every operation can answer 400:
 * the router refuses query parameters a route does not declare. A route without a descriptor still
 * appears, marked {@code x-undocumented}, so the served document never hides a route; the drift
 * test fails on it.
 * Success bodies are described as objects only: handlers build them as maps, so there is no type to
 * derive a schema from.
 */
public final class OpenApiDocument {

  public static final String VERSION = "3.1.0";

  /** The license the API description declares (SPDX identifier). */
  public static final String LICENSE = "Apache-2.0";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^/{}]+)}");
  private static final List<String> METHOD_ORDER = List.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final String PROBLEM = RecordSchemas.REF_PREFIX + "Problem";

  private OpenApiDocument() {}

  /** The document for {@code routes}, whose JSON bodies {@code json} binds. */
  public static ObjectNode generate(List<RouteDeclaration> routes, JsonCodec json) {
    RecordSchemas schemas = new RecordSchemas(json);
    Map<String, Map<String, ObjectNode>> paths = new TreeMap<>();
    for (RouteDeclaration route : routes) {
      String method = route.method().toLowerCase(Locale.ROOT);
      if (!METHOD_ORDER.contains(method)) {
        throw new IllegalArgumentException(route + ": OpenAPI has no operation for method " + route.method());
      }
      ObjectNode op = operation(route, schemas);
      if (paths.computeIfAbsent(route.template(), t -> new LinkedHashMap<>()).put(method, op) != null) {
        throw new IllegalArgumentException(route + " is declared twice; the router serves only the first");
      }
    }
    ObjectNode doc = NODES.objectNode();
    doc.put("openapi", VERSION);
    ObjectNode info = doc.putObject("info");
    info.put("title", "Quarry API");
    info.put("version", "v1");
    info.put("description", """
        Quarry's HTTP API. Authenticate with an API key as `Authorization: Bearer <key>`. The \
        operator key alone manages tenants; a tenant's keys act in their own tenant only, each \
        route needing one scope (admin, ingest or search). Every \
        response carries `X-Request-Id` (an inbound one of 1-64 characters [A-Za-z0-9._-] is kept), \
        and every JSON body except this document carries the same id as `request_id`. Failures \
        answer the Problem body; `retryable` says whether the same request may succeed later.""");
    ObjectNode license = info.putObject("license");
    license.put("name", "Apache License 2.0");
    license.put("identifier", LICENSE);
    ObjectNode server = doc.putArray("servers").addObject();
    server.put("url", "/");
    server.put("description", "The server that serves this document (`quarry serve` listens on "
        + "http://127.0.0.1:8080 unless configured otherwise).");
    ObjectNode pathsNode = doc.putObject("paths");
    paths.forEach((template, ops) -> {
      ObjectNode item = pathsNode.putObject(template);
      METHOD_ORDER.stream().filter(ops::containsKey).forEach(m -> item.set(m, ops.get(m)));
    });
    doc.set("components", components(schemas));
    return doc;
  }

  /** The document as committed to {@code docs/openapi.json}: two-space indent, LF, final newline. */
  public static String pretty(ObjectNode doc) {
    DefaultIndenter indent = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(
        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("").withArrayEmptySeparator(""))
        .withObjectIndenter(indent).withArrayIndenter(indent);
    try {
      return new ObjectMapper().writer(printer).writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the OpenAPI document: " + e.getOriginalMessage(), e);
    }
  }

  private static ObjectNode operation(RouteDeclaration route, RecordSchemas schemas) {
    ObjectNode op = NODES.objectNode();
    ApiDoc doc = route.doc().orElse(null);
    if (doc == null) {
      op.put("summary", "Not described yet");
      op.put("x-undocumented", true);
    } else {
      op.put("operationId", doc.operationId());
      op.put("summary", doc.summary());
    }
    String access = switch (route.access()) {
      case Access.Open o -> "Open: no key is needed.";
      case Access.AnyKey a -> "Needs a key of the tenant, with any scope.";
      case Access.Scoped s -> "Needs a key with the `" + s.scope().wireName() + "` scope.";
      case Access.Operator o -> "Needs the operator key (`QUARRY_ADMIN_KEY`, or the key generated at first start); "
          + "a tenant's keys get 403 whatever their scopes.";
      case Access.TenantAdmin t -> "Needs the operator key, or a key with the `admin` scope of the tenant `{tenant}` "
          + "names; a key of any other tenant gets 403 whatever its scopes.";
    };
    op.put("description", doc == null || doc.description().isEmpty() ? access : doc.description().get() + "\n\n" + access);
    ArrayNode security = op.putArray("security");
    switch (route.access()) {
      case Access.Open o -> { }
      case Access.AnyKey a -> security.addObject().putArray("bearer");
      case Access.Scoped s -> security.addObject().putArray("bearer").add(s.scope().wireName());
      case Access.Operator o -> security.addObject().putArray("bearer").add(Scope.ADMIN.wireName());
      case Access.TenantAdmin t -> security.addObject().putArray("bearer").add(Scope.ADMIN.wireName());
    }
    List<ApiDoc.Param> params = doc == null ? List.of() : doc.params();
    ArrayNode parameters = parameters(route, params);
    if (!parameters.isEmpty()) {
      op.set("parameters", parameters);
    }
    if (doc != null && doc.body().isPresent()) {
      op.set("requestBody", requestBody(doc, doc.body().get(), schemas));
    }
    op.set("responses", responses(route, doc));
    return op;
  }

  private static ArrayNode parameters(RouteDeclaration route, List<ApiDoc.Param> declared) {
    List<String> inTemplate = new ArrayList<>();
    Matcher m = PATH_PARAM.matcher(route.template());
    while (m.find()) {
      inTemplate.add(m.group(1));
    }
    Map<String, ApiDoc.Param> described = new LinkedHashMap<>();
    List<String> seen = new ArrayList<>();
    for (ApiDoc.Param p : declared) {
      String key = p.in() + " " + p.name().toLowerCase(Locale.ROOT);
      if (seen.contains(key)) {
        throw new IllegalArgumentException(route + ": parameter '" + p.name() + "' is declared twice");
      }
      seen.add(key);
      if (p.in() == ApiDoc.Param.In.PATH) {
        if (!inTemplate.contains(p.name())) {
          throw new IllegalArgumentException(route + ": path parameter '" + p.name() + "' is not in the template");
        }
        described.put(p.name(), p);
      }
    }
    ArrayNode out = NODES.arrayNode();
    for (String name : inTemplate) {
      ObjectNode p = out.addObject();
      p.put("name", name);
      p.put("in", "path");
      p.put("required", true);
      if (described.containsKey(name)) {
        p.put("description", described.get(name).description());
      }
      p.putObject("schema").put("type", "string");
    }
    for (ApiDoc.Param d : declared) {
      if (d.in() == ApiDoc.Param.In.PATH) {
        continue;
      }
      ObjectNode p = out.addObject();
      p.put("name", d.name());
      p.put("in", d.in().name().toLowerCase(Locale.ROOT));
      p.put("required", d.required());
      p.put("description", d.description());
      ObjectNode schema = p.putObject("schema");
      schema.put("type", "string");
      if (!d.allowed().isEmpty()) {
        d.allowed().forEach(schema.putArray("enum")::add);
      }
    }
    if (route.replaysIdempotencyKey()) {
      out.addObject().put("$ref", "#/components/parameters/IdempotencyKey");
    }
    return out;
  }

  private static ObjectNode requestBody(ApiDoc doc, ApiDoc.Body body, RecordSchemas schemas) {
    ObjectNode out = NODES.objectNode();
    ObjectNode content = NODES.objectNode();
    switch (body) {
      case ApiDoc.Body.Json j -> {
        out.put("required", !j.required().isEmpty());
        content.putObject("application/json").set("schema", schemas.bodyRef(j.type(), j.required(), doc.operationId()));
      }
      case ApiDoc.Body.Raw r -> {
        out.put("description", r.description());
        out.put("required", true);
        r.mediaTypes().forEach(content::putObject);
      }
    }
    out.set("content", content);
    return out;
  }

  private static ObjectNode responses(RouteDeclaration route, ApiDoc doc) {
    ObjectNode out = NODES.objectNode();
    Map<Integer, String> success = doc == null || doc.responses().isEmpty() ? Map.of(200, "Success") : doc.responses();
    success.forEach((status, meaning) -> {
      ObjectNode r = out.putObject(String.valueOf(status));
      r.put("description", meaning);
      ObjectNode headers = r.putObject("headers");
      headers.putObject("X-Request-Id").put("$ref", "#/components/headers/X-Request-Id");
      if (route.replaysIdempotencyKey()) {
        headers.putObject("Idempotent-Replayed").put("$ref", "#/components/headers/Idempotent-Replayed");
      }
      r.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
    });
    errors(route, doc).forEach((status, meanings) -> {
      if (meanings.size() == 1 && meanings.getFirst() instanceof StandardError e) {
        out.putObject(String.valueOf(status)).put("$ref", "#/components/responses/" + e.component);
        return;
      }
      List<String> text = meanings.stream().map(m -> m instanceof StandardError e ? e.meaning : (String) m).toList();
      out.set(String.valueOf(status), errorResponse(String.join("; or ", text)));
    });
    return out;
  }

  private static ObjectNode errorResponse(String description) {
    ObjectNode r = NODES.objectNode();
    r.put("description", description);
    r.putObject("headers").putObject("X-Request-Id").put("$ref", "#/components/headers/X-Request-Id");
    r.putObject("content").putObject("application/json").putObject("schema").put("$ref", PROBLEM);
    return r;
  }

  /** Errors that follow from a route's shape, each a response component. */
  private enum StandardError {
    INVALID_INPUT(400, "InvalidInput", "invalid_input: a malformed or out-of-range parameter or field, or a "
        + "query parameter the route does not take; `details.pointer` is the JSON pointer of the field when it is "
        + "in the body, `details.parameter` the name of the query parameter"),
    UNAUTHENTICATED(401, "Unauthenticated", "unauthenticated: no key, or a key that is wrong, revoked or expired"),
    FORBIDDEN(403, "Forbidden", "forbidden: the key lacks the scope this route needs, or is not the operator's "
        + "or the named tenant's"),
    IDEMPOTENCY_IN_PROGRESS(409, "IdempotencyInProgress",
        "idempotency_in_progress: a request with this Idempotency-Key is still running (retryable)"),
    PAYLOAD_TOO_LARGE(413, "PayloadTooLarge", "payload_too_large: the body exceeds the configured limit"),
    UNSUPPORTED_MEDIA_TYPE(415, "UnsupportedMediaType", "unsupported_media_type: the body is not UTF-8 application/json"),
    IDEMPOTENCY_CONFLICT(422, "IdempotencyConflict",
        "idempotency_conflict: this Idempotency-Key was used for a different request"),
    INTERNAL(500, "Internal", "internal: a bug; the server log has the request id"),
    STORAGE(503, "Storage", "storage: the store or an index failed (retryable)");

    final int status;
    final String component;
    final String meaning;

    StandardError(int status, String component, String meaning) {
      this.status = status;
      this.component = component;
      this.meaning = meaning;
    }
  }

  /**
   * The errors this route can answer, by status: {@link StandardError}s its shape implies, then the
   * meanings (strings) its descriptor adds.
   */
  private static Map<Integer, List<Object>> errors(RouteDeclaration route, ApiDoc doc) {
    Map<Integer, List<Object>> out = new TreeMap<>();
    boolean keyed = route.access().needsKey();
    add(out, StandardError.INVALID_INPUT); // at least an unknown query parameter, on every route
    if (keyed) {
      add(out, StandardError.UNAUTHENTICATED);
    }
    if (route.access().refusesSomeKeys()) {
      add(out, StandardError.FORBIDDEN);
    }
    if (doc != null && doc.body().orElse(null) instanceof ApiDoc.Body.Json) {
      add(out, StandardError.PAYLOAD_TOO_LARGE);
      add(out, StandardError.UNSUPPORTED_MEDIA_TYPE);
    }
    if (route.replaysIdempotencyKey()) {
      add(out, StandardError.IDEMPOTENCY_IN_PROGRESS);
      add(out, StandardError.IDEMPOTENCY_CONFLICT);
    }
    if (doc != null) {
      doc.errors().forEach((status, meaning) -> out.computeIfAbsent(status, k -> new ArrayList<>()).add(meaning));
    }
    add(out, StandardError.INTERNAL);
    if (keyed) {
      add(out, StandardError.STORAGE);
    }
    return out;
  }

  private static void add(Map<Integer, List<Object>> out, StandardError e) {
    out.computeIfAbsent(e.status, s -> new ArrayList<>()).add(e);
  }

  private static ObjectNode components(RecordSchemas records) {
    ObjectNode components = NODES.objectNode();
    ObjectNode schemas = components.putObject("schemas");
    Map<String, ObjectNode> all = new TreeMap<>(records.schemas());
    if (all.put("Problem", problem()) != null) {
      throw new IllegalArgumentException("a body record is named Problem, the name of the error schema; rename it");
    }
    all.forEach(schemas::set);

    ObjectNode responses = components.putObject("responses");
    for (StandardError e : StandardError.values()) {
      responses.set(e.component, errorResponse(e.meaning));
    }

    ObjectNode idempotencyKey = components.putObject("parameters").putObject("IdempotencyKey");
    idempotencyKey.put("name", "Idempotency-Key");
    idempotencyKey.put("in", "header");
    idempotencyKey.put("required", false);
    idempotencyKey.put("description", "A repeat of this request (same method, path, query and body) with the same "
        + "key, in the same tenant, answers the first 2xx response without doing the work again. A failed "
        + "request releases its key.");
    idempotencyKey.putObject("schema").put("type", "string");

    ObjectNode headers = components.putObject("headers");
    ObjectNode requestId = headers.putObject("X-Request-Id");
    requestId.put("description", "The request's id, also in the body as `request_id`; in the server's log lines.");
    requestId.putObject("schema").put("type", "string");
    ObjectNode replayed = headers.putObject("Idempotent-Replayed");
    replayed.put("description", "`true` when this is the stored response to an earlier request with the same Idempotency-Key.");
    replayed.putObject("schema").put("type", "string").putArray("enum").add("true");

    ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
    bearer.put("type", "http");
    bearer.put("scheme", "bearer");
    bearer.put("description", "An API key. The security requirement of each operation names the scope it needs (none: any key of the tenant).");
    return components;
  }

  /** The error body the router writes for every failure (see {@code Router} and {@code Problem}). */
  private static ObjectNode problem() {
    ObjectNode s = NODES.objectNode();
    s.put("type", "object");
    ArrayNode required = s.putArray("required");
    ObjectNode p = s.putObject("properties");
    ObjectNode code = p.putObject("code");
    code.put("type", "string");
    code.put("description", "Stable, machine-readable failure code.");
    ArrayNode codes = code.putArray("enum");
    for (ErrorCode c : ErrorCode.values()) {
      codes.add(c.wireName());
    }
    for (ServerErrorCode c : ServerErrorCode.values()) {
      codes.add(c.wireName());
    }
    p.putObject("message").put("type", "string").put("description", "What went wrong and where, for people.");
    p.putObject("retryable").put("type", "boolean").put("description", "Whether the same request may succeed later.");
    ObjectNode details = p.putObject("details");
    details.put("type", "object");
    details.put("description", "More about the failure; `pointer` is the JSON pointer (RFC 6901) of an invalid body field.");
    p.putObject("request_id").put("type", "string").put("description", "Equal to the X-Request-Id response header.");
    p.properties().forEach(e -> required.add(e.getKey()));
    return s;
  }
}

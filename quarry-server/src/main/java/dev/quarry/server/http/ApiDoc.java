package dev.quarry.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the API description says about one route, declared beside the route ({@link Router#route(
 * String, String, Access, ApiDoc, Handler)}). The generator in {@code dev.quarry.server.openapi}
 * adds what the router already knows: the path parameters of the template, the key and scope of the
 * route's {@link Access}, {@code Idempotency-Key} on authenticated POSTs, and the errors every route
 * of that shape can answer. A descriptor only says what the code cannot: a summary, the body, query
 * parameters and headers, the success statuses, and the errors particular to the route.
 *
 * <pre>
 * ApiDoc.op("upsertDocument", "Create or replace a document")
 *     .jsonBody(UpsertDocument.class, "text")
 *     .param(REFRESH)
 *     .responds(200, "The document is indexed, or was unchanged")
 *     .fails(404, "The collection does not exist")
 * </pre>
 *
 * @param responses success statuses (2xx) and what each means; empty means {@code 200}
 * @param errors statuses particular to this route (4xx, 5xx) and what each means
 */
public record ApiDoc(
    String operationId,
    String summary,
    Optional<String> description,
    Optional<Body> body,
    List<Param> params,
    Map<Integer, String> responses,
    Map<Integer, String> errors) {

  private static final Pattern OPERATION_ID = Pattern.compile("[a-z][A-Za-z0-9]*");

  public ApiDoc {
    Objects.requireNonNull(operationId, "operationId");
    if (!OPERATION_ID.matcher(operationId).matches()) {
      throw new IllegalArgumentException("operationId must be lowerCamelCase letters and digits, got: '" + operationId + "'");
    }
    requireText(summary, "summary of " + operationId);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(body, "body");
    params = List.copyOf(params);
    responses = statuses(responses, 200, 299, operationId);
    errors = statuses(errors, 400, 599, operationId);
  }

  /** A descriptor with an operation id (unique in the API, lowerCamelCase) and a one-line summary. */
  public static ApiDoc op(String operationId, String summary) {
    return new ApiDoc(operationId, summary, Optional.empty(), Optional.empty(), List.of(), Map.of(), Map.of());
  }

  /** Longer text shown under the summary. */
  public ApiDoc describe(String text) {
    requireText(text, "description of " + operationId);
    return new ApiDoc(operationId, summary, Optional.of(text), body, params, responses, errors);
  }

  /**
   * A JSON body bound by {@link Request#body(Class)} to {@code type}; {@code required} names the
   * fields (as on the wire) the handler insists on. Without required fields the body may be absent.
   */
  public ApiDoc jsonBody(Class<? extends Record> type, String... required) {
    return withBody(new Body.Json(type, List.of(required)));
  }

  /** A body the handler reads itself, in one of {@code mediaTypes} (e.g. application/x-ndjson). */
  public ApiDoc rawBody(String description, String... mediaTypes) {
    return withBody(new Body.Raw(List.of(mediaTypes), description));
  }

  private ApiDoc withBody(Body b) {
    if (body.isPresent()) {
      throw new IllegalStateException(operationId + " already has a body");
    }
    return new ApiDoc(operationId, summary, description, Optional.of(b), params, responses, errors);
  }

  /** A query parameter, request header, or path parameter description. */
  public ApiDoc param(Param p) {
    List<Param> all = new ArrayList<>(params);
    all.add(p);
    return new ApiDoc(operationId, summary, description, body, all, responses, errors);
  }

  /** A success status the handler answers, and what it means. */
  public ApiDoc responds(int status, String meaning) {
    return new ApiDoc(operationId, summary, description, body, params, with(responses, status, meaning), errors);
  }

  /** An error status particular to this route (404 for a missing collection, 501, ...). */
  public ApiDoc fails(int status, String meaning) {
    return new ApiDoc(operationId, summary, description, body, params, responses, with(errors, status, meaning));
  }

  /** A request body. */
  public sealed interface Body {

    /** JSON bound to a record; the schema is derived from its components. */
    record Json(Class<? extends Record> type, List<String> required) implements Body {
      public Json {
        Objects.requireNonNull(type, "type");
        required = List.copyOf(required);
      }
    }

    /** A body in one of these media types, read by the handler itself; no schema is derived. */
    record Raw(List<String> mediaTypes, String description) implements Body {
      public Raw {
        mediaTypes = List.copyOf(mediaTypes);
        if (mediaTypes.isEmpty()) {
          throw new IllegalArgumentException("a raw body needs at least one media type");
        }
        requireText(description, "raw body description");
      }
    }
  }

  /**
   * A query parameter, request header, or the description of a path parameter of the template.
   * {@code allowed} lists the only values accepted (empty: any string).
   */
  public record Param(In in, String name, String description, boolean required, List<String> allowed) {

    public enum In { PATH, QUERY, HEADER }

    public Param {
      Objects.requireNonNull(in, "in");
      requireText(name, "parameter name");
      requireText(description, "description of parameter " + name);
      allowed = List.copyOf(allowed);
      if (in == In.PATH && !required) {
        throw new IllegalArgumentException("path parameter " + name + " is always required");
      }
    }

    /** Describes the template's {@code {name}}; the generator fails if the template has none. */
    public static Param path(String name, String description) {
      return new Param(In.PATH, name, description, true, List.of());
    }

    /** An optional query parameter. */
    public static Param query(String name, String description, String... allowed) {
      return new Param(In.QUERY, name, description, false, List.of(allowed));
    }

    /** An optional request header. */
    public static Param header(String name, String description) {
      return new Param(In.HEADER, name, description, false, List.of());
    }

    /** This parameter, required. */
    public Param asRequired() {
      return new Param(in, name, description, true, allowed);
    }
  }

  private static Map<Integer, String> with(Map<Integer, String> map, int status, String meaning) {
    Map<Integer, String> out = new TreeMap<>(map);
    if (out.put(status, meaning) != null) {
      throw new IllegalStateException("status " + status + " is declared twice");
    }
    return out;
  }

  private static Map<Integer, String> statuses(Map<Integer, String> map, int min, int max, String operationId) {
    Map<Integer, String> out = new TreeMap<>();
    map.forEach((status, meaning) -> {
      if (status < min || status > max) {
        throw new IllegalArgumentException(operationId + ": status must be in " + min + ".." + max + ", got: " + status);
      }
      requireText(meaning, operationId + " status " + status);
      out.put(status, meaning);
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  private static void requireText(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}

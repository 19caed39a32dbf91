package dev.quarry.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a 2xx status, a JSON object and extra headers (such as {@code ETag}).
 * Failures are thrown, never returned, so they all pass through {@code Problem}. The router adds
 * {@code request_id} to every body except a {@link #document}.
 *
 * @param withRequestId whether the router adds {@code request_id} to the body
 */
public record Response(int status, Map<String, Object> body, Map<String, String> headers, boolean withRequestId,
    Optional<BodyWriter> stream) {

  /**
   * Writes a streamed body (server-sent events) as it is produced, after the status and headers
   * went out. A failure of the client's connection shows as an {@link IOException} from {@code out}.
   */
  @FunctionalInterface
  public interface BodyWriter {
    void write(OutputStream out) throws IOException;
  }

  public Response {
    Objects.requireNonNull(stream, "stream");
    if (status < 200 || status > 299) {
      throw new IllegalArgumentException("handlers answer 2xx; failures are thrown, got: " + status);
    }
    body = new LinkedHashMap<>(body);
    headers = Map.copyOf(headers);
  }

  public Response(int status, Map<String, Object> body, Map<String, String> headers, boolean withRequestId) {
    this(status, body, headers, withRequestId, Optional.empty());
  }

  public Response(int status, Map<String, Object> body) {
    this(status, body, Map.of(), true);
  }

  /**
   * A 200 whose body {@code writer} streams, with {@code contentType} (e.g. {@code
   * text/event-stream}); the router sends the headers first and writes no JSON body of its own.
   */
  public static Response streamed(String contentType, BodyWriter writer) {
    return new Response(200, Map.of(), Map.of("Content-Type", contentType), false, Optional.of(writer));
  }

  /** This response with one more header (for example {@code ETag}). */
  public Response withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Response(status, body, more, withRequestId, stream);
  }

  public static Response ok(Map<String, Object> body) {
    return new Response(200, body);
  }

  public static Response created(Map<String, Object> body) {
    return new Response(201, body);
  }

  public static Response accepted(Map<String, Object> body) {
    return new Response(202, body);
  }

  /**
   * A 200 whose body is a document served as it is, without {@code request_id} (the OpenAPI
   * description); the {@code X-Request-Id} header still names the request.
   */
  public static Response document(Map<String, Object> body) {
    return new Response(200, body, Map.of(), false);
  }
}

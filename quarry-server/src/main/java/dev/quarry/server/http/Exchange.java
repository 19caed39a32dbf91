package dev.quarry.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * One HTTP exchange as the {@link Router} sees it, whatever server carries it ({@link HttpEdge}
 * serves it on Jetty): the request line and headers, the body as a stream, and one response whose
 * status and headers go out with {@link #send}.
 */
public interface Exchange {

  /** The method as sent (case preserved). */
  String method();

  /** The path as sent, still percent-encoded. */
  String rawPath();

  /** The query as sent, still percent-encoded; empty when the target has no {@code ?}. */
  Optional<String> rawQuery();

  /** The first value of request header {@code name} (case-insensitive). */
  Optional<String> header(String name);

  /** Every value of request header {@code name}, in order; empty when none. */
  List<String> headers(String name);

  /** The request body as it arrives. */
  InputStream body();

  /** Sets response header {@code name}, replacing any value; before {@link #send}. */
  void setHeader(String name, String value);

  /** Adds a value to response header {@code name}; before {@link #send}. */
  void addHeader(String name, String value);

  /**
   * Sends the status and headers. {@code length} is the exact body length when positive; 0 means
   * a body of unknown length follows (streamed, written as it comes: {@code flush} sends what was
   * written); -1 means no body. Closing the returned stream ends the response.
   */
  OutputStream send(int status, long length) throws IOException;
}

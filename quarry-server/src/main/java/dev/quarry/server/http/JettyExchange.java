package dev.quarry.server.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** An {@link Exchange} over one Jetty request, answered with blocking writes (virtual threads). */
final class JettyExchange implements Exchange {

  private final Request request;
  private final Response response;
  private InputStream body;
  private OutputStream out;

  JettyExchange(Request request, Response response) {
    this.request = request;
    this.response = response;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  @Override
  public String rawPath() {
    String path = request.getHttpURI().getPath();
    return path == null ? "/" : path;
  }

  @Override
  public Optional<String> rawQuery() {
    return Optional.ofNullable(request.getHttpURI().getQuery());
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  @Override
  public List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  @Override
  public InputStream body() {
    if (body == null) {
      body = Content.Source.asInputStream(request);
    }
    return body;
  }

  @Override
  public void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    response.getHeaders().add(name, value);
  }

  @Override
  public OutputStream send(int status, long length) throws IOException {
    if (out != null) {
      throw new IllegalStateException("the response was already sent");
    }
    response.setStatus(status);
    if (length > 0) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }
    // every write of Jetty's sink goes to the connection at once; the buffer makes an event one
    // chunk, and the writer's flush() sends it
    out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 8192);
    if (length < 0) {
      out.close();
    }
    return out;
  }

  /** Whether {@link #send} ran. */
  boolean sent() {
    return out != null;
  }

  /**
   * Reads what is left of the request body, up to {@code limit} bytes, so that the connection can
   * serve the next request (Jetty closes a connection whose request body was not read); returns
   * whether the body was read to its end.
   */
  boolean drain(long limit) {
    try {
      InputStream in = body();
      byte[] buffer = new byte[16 * 1024];
      long read = 0;
      int n;
      while (read <= limit && (n = in.read(buffer)) >= 0) {
        read += n;
      }
      return read <= limit;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}

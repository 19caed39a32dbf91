package dev.quarry.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one keep-alive connection, for the load phases: it writes a request
 * and reads its status and {@code Content-Length} body, nothing more.
 *
 * <p>Why not {@code java.net.http.HttpClient}: the load generator shares the two cores with the
 * server, and the JDK client cost 0.5-0.7 CPU-ms per search (its selector thread, futures and
 * header maps) against about 0.15 ms for this one; what the generator burns is taken from the
 * server being measured. The server's answers always carry {@code Content-Length}.
 */
final class KeepAliveClient implements AutoCloseable {

  /** A response: its status and body. */
  record Answer(int status, byte[] body) {}

  private final String host;
  private final int port;
  private final Duration timeout;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  KeepAliveClient(URI base, Duration timeout) {
    this.host = base.getHost();
    this.port = base.getPort();
    this.timeout = timeout;
  }

  /** Sends {@code POST path} with a JSON body; reconnects once if the kept-alive connection was closed. */
  Answer post(String path, String authorization, byte[] json) throws IOException {
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: " + authorization
        + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    boolean fresh = socket == null;
    try {
      return exchange(head, json);
    } catch (IOException e) {
      close();
      if (fresh) {
        throw e;
      }
      return exchange(head, json); // the server closed an idle connection: once more on a new one
    }
  }

  private Answer exchange(byte[] head, byte[] body) throws IOException {
    if (socket == null) {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) timeout.toMillis());
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }
    out.write(head);
    out.write(body);
    out.flush();
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: '" + status + "'");
    }
    int length = -1;
    boolean close = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring("content-length:".length()).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (length < 0) {
      throw new IOException("the answer has no Content-Length");
    }
    byte[] answer = in.readNBytes(length);
    if (answer.length != length) {
      throw new IOException("the connection ended after " + answer.length + " of " + length + " body bytes");
    }
    if (close) {
      close();
    }
    return new Answer(Integer.parseInt(status.substring(9, 12)), answer);
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection closed in the middle of an answer's head");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
      socket = null;
    }
  }
}

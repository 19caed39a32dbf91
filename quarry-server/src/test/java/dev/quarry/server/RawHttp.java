package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP/1.1 client on a plain socket, for requests the JDK's HttpClient refuses to send
 * (malformed request lines and headers): writes the bytes as given and reads one response.
 */
final class RawHttp implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One response: status, headers (names lower case) and body. */
  record Reply(int status, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends {@code request} as its ISO-8859-1 bytes and reads the response. */
  Reply exchange(String request) throws IOException {
    return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  Reply exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return read();
  }

  /** Reads one response: by its Content-Length, chunked, or to the end of the connection. */
  Reply read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("the server closed the connection without answering");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
        all.writeBytes(in.readNBytes(size));
        line();
      }
      line();
      body = all.toByteArray();
    } else {
      body = in.readAllBytes();
    }
    return new Reply(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  /** One line without its CRLF, or null at the end of the stream. */
  String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the server closed the connection (a read sees the end of the stream). */
  boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package dev.quarry.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One streamed {@code POST /v1/chat} on its own connection: writes the request, then reads the
 * chunked {@code text/event-stream} answer event by event, noting when each arrived ({@link
 * System#nanoTime()}), so the time to the first {@code delta} is what a client saw. Minimal on
 * purpose (like {@link KeepAliveClient}): it shares the cores with the server it measures.
 */
final class SseClient {

  /** An event as it arrived: its name, its data parsed, and when its chunk was read. */
  record Event(String name, JsonNode data, long nanoTime) {}

  /** The answer: the status, the events, and when the request was written. */
  record Streamed(int status, long sentNanos, List<Event> events, String errorBody) {

    /** The first event named {@code name}, or null. */
    Event first(String name) {
      return events.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }
  }

  private SseClient() {}

  static Streamed post(URI base, String path, String key, byte[] json, Duration timeout) throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) timeout.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      OutputStream out = socket.getOutputStream();
      byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
          + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nAccept: text/event-stream"
          + "\r\nConnection: close\r\nContent-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      byte[] request = new byte[head.length + json.length];
      System.arraycopy(head, 0, request, 0, head.length);
      System.arraycopy(json, 0, request, head.length, json.length);
      long sent = System.nanoTime();
      out.write(request);
      out.flush();
      String status = line(in);
      if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
        throw new IOException("not an HTTP/1.1 status line: '" + status + "'");
      }
      int code = Integer.parseInt(status.substring(9, 12));
      boolean chunked = false;
      boolean eventStream = false;
      int length = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring("content-length:".length()).trim());
        } else if (lower.startsWith("content-type:") && lower.contains("text/event-stream")) {
          eventStream = true;
        }
      }
      List<Event> events = new ArrayList<>();
      StringBuilder pending = new StringBuilder();
      if (!chunked && eventStream && length < 0) {
        // a stream on a connection the server closes at its end (Jetty does this for a request
        // that asked for Connection: close): events as their bytes arrive, until end of stream
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          long at = System.nanoTime();
          bytes.write(buffer, 0, n);
          int complete = lastCompleteChar(bytes.toByteArray());
          byte[] all = bytes.toByteArray();
          pending.append(new String(all, 0, complete, StandardCharsets.UTF_8));
          bytes.reset();
          bytes.write(all, complete, all.length - complete);
          for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
            events.add(parse(pending.substring(0, end), at));
            pending.delete(0, end + 2);
          }
        }
        return new Streamed(code, sent, events, "");
      }
      if (!chunked) {
        byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
        return new Streamed(code, sent, List.of(), new String(body, StandardCharsets.UTF_8));
      }
      while (true) {
        String size = line(in);
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          line(in);
          break;
        }
        byte[] chunk = in.readNBytes(n);
        if (chunk.length != n) {
          throw new IOException("the stream ended inside a chunk");
        }
        long at = System.nanoTime();
        line(in); // CRLF after the chunk
        pending.append(new String(chunk, StandardCharsets.UTF_8));
        for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
          events.add(parse(pending.substring(0, end), at));
          pending.delete(0, end + 2);
        }
      }
      return new Streamed(code, sent, events, "");
    }
  }

  /** How many of {@code bytes} form whole UTF-8 characters (a read may end inside one). */
  private static int lastCompleteChar(byte[] bytes) {
    int i = bytes.length;
    int back = 0;
    while (i > 0 && back < 4 && (bytes[i - 1] & 0xC0) == 0x80) {
      i--;
      back++;
    }
    if (i == 0) {
      return bytes.length;
    }
    int lead = bytes[i - 1] & 0xFF;
    int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return need == back + 1 ? bytes.length : i - 1;
  }

  private static Event parse(String block, long at) throws IOException {
    String name = "message";
    StringBuilder data = new StringBuilder();
    for (String l : block.split("\n")) {
      if (l.startsWith("event: ")) {
        name = l.substring(7);
      } else if (l.startsWith("data: ")) {
        data.append(l.substring(6));
      }
    }
    return new Event(name, ApiClient.JSON.readTree(data.toString()), at);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection closed in the middle of a line");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}

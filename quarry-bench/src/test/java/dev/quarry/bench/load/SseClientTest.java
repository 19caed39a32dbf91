package dev.quarry.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's SSE reader against a loopback socket answering each way a server frames a stream. */
class SseClientTest {

  private static final String EVENTS = "event: citations\ndata: {\"passages\":[]}\n\n"
      + "event: delta\ndata: {\"text\":\"caf\u00e9 \u2013 ok\"}\n\nevent: done\ndata: {\"answer\":\"x\"}\n\n";

  /** Serves one request with {@code head} then {@code body} written in pieces of {@code piece} bytes. */
  private static SseClient.Streamed serve(String head, byte[] body, int piece) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          byte[] buf = new byte[4096];
          StringBuilder req = new StringBuilder();
          while (!req.toString().endsWith("{}")) {
            int n = in.read(buf);
            req.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          }
          OutputStream out = s.getOutputStream();
          out.write(head.getBytes(StandardCharsets.ISO_8859_1));
          for (int i = 0; i < body.length; i += piece) {
            out.write(body, i, Math.min(piece, body.length - i));
            out.flush();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      SseClient.Streamed r = SseClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort()), "/v1/chat", "k",
          "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
      t.join();
      return r;
    }
  }

  private static void assertEvents(SseClient.Streamed r) {
    assertEquals(200, r.status());
    assertEquals(List.of("citations", "delta", "done"), r.events().stream().map(SseClient.Event::name).toList());
    assertEquals("caf\u00e9 \u2013 ok", r.first("delta").data().path("text").asText());
  }

  @Test
  void readsAChunkedStream() throws Exception {
    byte[] events = EVENTS.getBytes(StandardCharsets.UTF_8);
    String chunked = Integer.toHexString(events.length) + "\r\n" + new String(events, StandardCharsets.ISO_8859_1)
        + "\r\n0\r\n\r\n";
    assertEvents(serve("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunked.getBytes(StandardCharsets.ISO_8859_1), 1 << 16));
  }

  @Test
  void readsAStreamEndedByTheConnectionClosingEvenWhenAReadEndsInsideACharacter() throws Exception {
    // Jetty answers a Connection: close request this way: no chunks, no length, the body until EOF;
    // pieces of 3 bytes split the multi-byte characters across reads
    assertEvents(serve("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n",
        EVENTS.getBytes(StandardCharsets.UTF_8), 3));
  }
}

package dev.quarry.llm.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An HTTP/1.1 server on loopback that answers from a script, for tests of model providers at the
 * wire: a raw socket server (keep-alive, {@code Content-Length} request bodies, chunked
 * responses), so that it can pace a stream, cut it without the final chunk, and see a client walk
 * away. Each request takes the next {@link ScriptedReply} from the queue, or the default reply when
 * the queue is empty. Every request is recorded.
 *
 * <p>While it waits inside a response (latency, time to first token, the pace between tokens) the
 * server reads from the connection, so it notices a client that closes it at once: such a response
 * is recorded as {@link Abandoned}, with the {@link System#nanoTime()} at which it was noticed.
 * Subclasses speak a protocol ({@link ScriptedOpenAiServer}, {@link ScriptedAnthropicServer}).
 */
public abstract class ScriptedServer implements AutoCloseable {

  /** A response the client walked away from: when it was noticed, on which path, after how many tokens. */
  public record Abandoned(long nanoTime, String path, int tokensSent) {}

  /**
   * When a response was served, in {@link System#nanoTime()} of this JVM: the request read whole,
   * its first token flushed (0 when none was), its last byte flushed. A benchmark driving Quarry
   * from the same JVM subtracts these from what its client saw to get the time Quarry added.
   */
  public record Served(RecordedRequest request, long receivedNanos, long firstTokenNanos, long doneNanos) {}

  private final ServerSocket server;
  private final Thread acceptor;
  private final ConcurrentLinkedQueue<ScriptedReply> script = new ConcurrentLinkedQueue<>();
  private volatile Function<RecordedRequest, ScriptedReply> responder = request -> ScriptedReply.text("ok");
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Abandoned> abandoned = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Served> served = new ConcurrentLinkedQueue<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();

  protected ScriptedServer(String name) {
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = Thread.ofVirtual().name(name + "-accept").start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The base URL a provider is configured with. */
  public abstract URI baseUrl();

  /** Answers the next requests with {@code replies}, in order. */
  public ScriptedServer enqueue(ScriptedReply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** The answer to requests when the queue is empty ({@code "ok"} at first). */
  public ScriptedServer respondByDefault(ScriptedReply reply) {
    responder = request -> reply;
    return this;
  }

  /**
   * Answers requests when the queue is empty with {@code replies} applied to each request (called
   * concurrently), e.g. a fault on some of them ({@link InvalidJsonFault}).
   */
  public ScriptedServer respondWith(Function<RecordedRequest, ScriptedReply> replies) {
    responder = java.util.Objects.requireNonNull(replies, "replies");
    return this;
  }

  /** Requests received so far (cheaper than {@link #requests()} for counting). */
  public int requestCount() {
    return requests.size();
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The last request received. */
  public RecordedRequest lastRequest() {
    return requests.getLast();
  }

  /** Connections accepted so far. */
  public int connectionsAccepted() {
    return connections.get();
  }

  /**
   * The responses served whole so far, with their times ({@link Served}). A response is recorded
   * just after its last byte is flushed, so a client that has read it may look before it is here:
   * {@link #awaitServed} waits for it.
   */
  public List<Served> served() {
    return List.copyOf(served);
  }

  /** The responses served whole, once there are at least {@code count} of them (or after {@code timeout}). */
  public List<Served> awaitServed(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (served.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return served();
  }

  /** Waits for the next response a client walked away from. */
  public Optional<Abandoned> awaitAbandoned(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(abandoned.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    acceptor.interrupt();
  }

  /** Answers {@code request} with {@code reply} on {@code exchange}. */
  protected abstract void respond(RecordedRequest request, ScriptedReply reply, Exchange exchange) throws IOException;

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        connections.incrementAndGet();
        open.add(s);
        Thread.ofVirtual().name("scripted-conn").start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      Exchange exchange = new Exchange(socket);
      while (true) {
        Optional<RecordedRequest> request = exchange.readRequest();
        if (request.isEmpty()) {
          return;
        }
        requests.add(request.get());
        RecordedRequest received = request.get();
        ScriptedReply reply = Optional.ofNullable(script.poll()).orElseGet(() -> responder.apply(received));
        try {
          respond(request.get(), reply, exchange);
          served.add(new Served(request.get(), exchange.receivedNanos, exchange.firstTokenNanos, System.nanoTime()));
        } catch (ClientGone e) {
          abandoned.add(new Abandoned(e.nanoTime, request.get().path(), exchange.tokensSent));
          return;
        }
        if (exchange.closed) {
          return;
        }
      }
    } catch (IOException e) {
      // the connection ended
    } finally {
      open.remove(socket);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** The client closed the connection while a response was under way. */
  static final class ClientGone extends IOException {
    final long nanoTime = System.nanoTime();

    ClientGone(String message) {
      super(message);
    }
  }

  /** One connection: reads requests, writes responses (whole or chunked), pauses and cuts. */
  protected static final class Exchange {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean closed;
    int tokensSent;
    long receivedNanos;
    long firstTokenNanos;

    Exchange(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    Optional<RecordedRequest> readRequest() throws IOException {
      socket.setSoTimeout(0);
      tokensSent = 0;
      firstTokenNanos = 0;
      String requestLine = line();
      if (requestLine == null) {
        return Optional.empty();
      }
      String[] parts = requestLine.split(" ");
      if (parts.length != 3) {
        throw new IOException("bad request line: " + requestLine);
      }
      Map<String, String> headers = new HashMap<>();
      for (String h = line(); h != null && !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        return Optional.empty();
      }
      receivedNanos = System.nanoTime();
      return Optional.of(new RecordedRequest(parts[0], parts[1], headers, new String(body, StandardCharsets.UTF_8)));
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return null;
    }

    /** Waits {@code d}, reading from the connection: a client that closes it ends the response. */
    public void pause(Duration d) throws IOException {
      long until = System.nanoTime() + d.toNanos();
      while (true) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        try {
          if (in.read() == -1) {
            throw new ClientGone("the client closed the connection");
          }
        } catch (SocketTimeoutException e) {
          // waited
        } catch (ClientGone e) {
          throw e;
        } catch (IOException e) {
          throw new ClientGone(e.getMessage());
        }
      }
    }

    /** A whole response. */
    public void whole(int status, String contentType, Map<String, String> headers, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
      head.append("Content-Type: ").append(contentType).append("\r\n");
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("\r\n");
      write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      write(bytes);
      flush();
    }

    /** Starts a chunked {@code text/event-stream} response. */
    public void startEvents(Map<String, String> headers) throws IOException {
      StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
      head.append("Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("\r\n");
      write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      flush();
    }

    /** Sends one chunk of the event stream (any text: whole events, or a broken one). */
    public void send(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      write(bytes);
      write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      flush();
    }

    /** Counts a token sent, for {@link Abandoned#tokensSent()}; the first one's time is {@link Served#firstTokenNanos()}. */
    public void tokenSent() {
      if (tokensSent == 0) {
        firstTokenNanos = System.nanoTime();
      }
      tokensSent++;
    }

    /** Ends the event stream properly (the last chunk). */
    public void endEvents() throws IOException {
      write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      flush();
    }

    /** Closes the connection mid-response, without the last chunk. */
    public void cut() throws IOException {
      flush();
      closed = true;
      socket.close();
    }

    private void write(byte[] b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new ClientGone(e.getMessage());
      }
    }

    private void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw new ClientGone(e.getMessage());
      }
    }

    private static String reason(int status) {
      return switch (status) {
        case 200 -> "OK";
        case 400 -> "Bad Request";
        case 401 -> "Unauthorized";
        case 404 -> "Not Found";
        case 429 -> "Too Many Requests";
        case 500 -> "Internal Server Error";
        case 502 -> "Bad Gateway";
        case 503 -> "Service Unavailable";
        case 504 -> "Gateway Timeout";
        default -> "Status";
      };
    }
  }
}

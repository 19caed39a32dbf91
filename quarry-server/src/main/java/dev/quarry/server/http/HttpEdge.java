package dev.quarry.server.http;

import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.StorageException;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP/1.1 listener: Jetty's core server (no servlets), each request handled on a virtual
 * thread by the {@link Router} through an {@link Exchange}. What Jetty rejects before any handler
 * runs (a request line or header it cannot parse, headers over {@value #MAX_HEADER_BYTES} bytes, an
 * unknown HTTP version) is answered by {@link Router#rejected}, so it is JSON in Quarry's error
 * shape with a request id like every other answer.
 *
 * <p>Decision: Jetty's native handler API behind {@link Exchange} rather than the JDK's {@code
 * com.sun.net.httpserver} (whose parser answers malformed requests with HTML before any handler
 * runs, with no hook) or Jetty's {@code jetty-http-spi} adapter of that API (which buffers streamed
 * bodies, answers an empty 200 when a handler throws, and adds a second layer of exchange
 * semantics). The router already owned every response; it now talks to a four-method exchange.
 */
public final class HttpEdge implements AutoCloseable {

  /** The most bytes of request line plus headers; more is 431 (the request line alone: 414). */
  public static final int MAX_HEADER_BYTES = 64 * 1024;
  /** How much of a request body nobody read is still read so the connection stays open. */
  private static final long DRAIN_LIMIT = 1 << 20;

  private final Server server;
  private final ServerConnector connector;
  private final ExecutorService executor;

  private HttpEdge(Server server, ServerConnector connector, ExecutorService executor) {
    this.server = server;
    this.connector = connector;
    this.executor = executor;
  }

  /**
   * Binds {@code host:port} (not serving yet). A failure says what it is: an address in use is a
   * conflict with another process; one this process may not or cannot bind (a privileged port, an
   * address not of this machine) is an invalid setting.
   */
  public static HttpEdge listen(String host, int port) {
    String where = host + ":" + port;
    if (new InetSocketAddress(host, port).isUnresolved()) {
      throw new InvalidInputException("cannot listen on " + where + ": the host does not resolve to an address; "
          + "set server.host (QUARRY_HOST, --host) to an address of this machine");
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("quarry-http");
    threads.setVirtualThreadsExecutor(executor);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    // the router matches raw (still encoded) segments and decodes each itself, refusing a bad
    // percent-encoding with a message naming it; Jetty's ambiguity checks guard servlet path
    // mapping, which is not used here
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setAcceptedTcpNoDelay(true);
    server.addConnector(connector);
    try {
      connector.open();
    } catch (IOException e) {
      executor.close();
      BindException bind = bindFailure(e);
      if (bind == null) {
        throw new StorageException("cannot listen on " + where + ": " + e.getMessage(), e);
      }
      String reason = String.valueOf(bind.getMessage());
      if (reason.toLowerCase(Locale.ROOT).contains("in use")) {
        throw new ConflictException("cannot listen on " + where + ": the address is already in use by another process "
            + "(another Quarry server?); stop it or choose another port (server.port, QUARRY_PORT, --port)");
      }
      throw new InvalidInputException("cannot listen on " + where + ": " + reason
          + "; choose another address or port (server.host/server.port, QUARRY_HOST/QUARRY_PORT, --host/--port)");
    }
    return new HttpEdge(server, connector, executor);
  }

  private static BindException bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        return b;
      }
    }
    return null;
  }

  /**
   * Starts serving: {@code GET} and {@code HEAD} of each path of {@code endpoints} by its endpoint
   * (other methods there are 405), everything else by {@code router}.
   */
  public void start(Router router, Map<String, Endpoint> endpoints) {
    Objects.requireNonNull(router, "router");
    GracefulHandler graceful = new GracefulHandler(new Dispatch(router, Map.copyOf(endpoints)));
    server.setHandler(graceful);
    server.setErrorHandler(new JsonErrors(router));
    server.setStopTimeout(1000);
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new StorageException("cannot start the HTTP server: " + e.getMessage(), e);
    }
  }

  /** A path served outside the JSON router (its body is not JSON), for {@code GET} and {@code HEAD}. */
  @FunctionalInterface
  public interface Endpoint {
    /** Answers a {@code GET} or {@code HEAD} of the endpoint's exact path. */
    void serve(Exchange exchange) throws IOException;
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String host() {
    String host = connector.getHost();
    return host == null ? "0.0.0.0" : host;
  }

  /**
   * Stops accepting connections, lets running requests finish for up to a second, then closes
   * the connections.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort: the process is going away or the test is over
    } finally {
      executor.close();
    }
  }

  /** Routes each request and completes it: the body left unread is drained for keep-alive. */
  private static final class Dispatch extends Handler.Abstract {
    private final Router router;
    private final Map<String, Endpoint> endpoints;

    Dispatch(Router router, Map<String, Endpoint> endpoints) {
      super(InvocationType.BLOCKING);
      this.router = router;
      this.endpoints = endpoints;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      JettyExchange exchange = new JettyExchange(request, response);
      try {
        Endpoint endpoint = endpoints.get(exchange.rawPath());
        String method = exchange.method();
        if (endpoint != null && (method.equals("GET") || method.equals("HEAD"))) {
          endpoint.serve(exchange);
        } else if (endpoint != null) {
          exchange.setHeader("Allow", "GET, HEAD");
          router.refuse(exchange, ApiException.of(ServerErrorCode.METHOD_NOT_ALLOWED,
              method + " is not allowed here; allowed: GET, HEAD"));
        } else {
          router.handle(exchange);
        }
        if (!exchange.sent()) {
          throw new IllegalStateException("no response was sent for " + method + " " + exchange.rawPath());
        }
        exchange.drain(DRAIN_LIMIT);
        callback.succeeded();
      } catch (Throwable e) {
        // before anything was sent Jetty answers through JsonErrors (a JSON 500); after, it aborts
        callback.failed(e);
      }
      return true;
    }
  }

  /**
   * Jetty's error handler: what Jetty itself refuses (the request could not be parsed, a handler
   * failed before answering) is answered by the router in Quarry's error shape.
   */
  private static final class JsonErrors extends ErrorHandler {
    private final Router router;

    JsonErrors(Router router) {
      this.router = router;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
      String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
      Throwable failure = request.getAttribute(ERROR_EXCEPTION) instanceof Throwable t ? t : null;
      byte[] body = router.rejected(new JettyExchange(request, response), status, reason, failure);
      response.setStatus(status < 400 ? 500 : status);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}

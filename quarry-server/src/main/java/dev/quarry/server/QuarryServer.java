package dev.quarry.server;

import com.sun.net.httpserver.HttpServer;
import dev.quarry.core.error.StorageException;
import dev.quarry.engine.CacheSettings;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.server.api.CollectionRoutes;
import dev.quarry.server.api.DocumentRoutes;
import dev.quarry.server.api.SearchRoutes;
import dev.quarry.server.api.TenantRoutes;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.metrics.MetricsEndpoint;
import dev.quarry.server.observe.AccessLog;
import dev.quarry.server.metrics.PrometheusMetrics;
import dev.quarry.server.tenancy.AdminKeys;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import dev.quarry.store.jdbc.SqliteSettings;
import dev.quarry.store.jdbc.SqliteStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The composition root of {@code quarry serve}: opens the store (SQLite in the data directory) and
 * the engine (Lucene collections in the same directory), makes sure an admin key exists, declares
 * the routes, and serves them on the JDK's {@link HttpServer} with one virtual thread per request.
 *
 * <p>Decision: no web framework. The JDK server plus one {@link Router} keep every behaviour of the
 * edge (ids, auth, limits, errors) in a few classes that can be read end to end.
 */
public final class QuarryServer implements AutoCloseable {

  private final HttpServer http;
  private final ExecutorService executor;
  private final Store store;
  private final Quarry engine;
  private final CountDownLatch closed = new CountDownLatch(1);

  private QuarryServer(HttpServer http, ExecutorService executor, Store store, Quarry engine) {
    this.http = http;
    this.executor = executor;
    this.store = store;
    this.engine = engine;
  }

  /** Starts serving; {@code notices} receives the generated admin key, if one is generated. */
  public static QuarryServer start(ServerConfig config, PrintStream notices) {
    return start(config, CacheSettings.DEFAULT, notices);
  }

  /**
   * Starts serving with the engine's in-memory caches sized by {@code caches}. The engine reports
   * its stage times and cache lookups to the same registry {@code /metrics} serves.
   */
  public static QuarryServer start(ServerConfig config, CacheSettings caches, PrintStream notices) {
    Store store = SqliteStore.open(SqliteSettings.in(config.dataDir()), StoreOptions.defaults());
    Quarry engine = null;
    try {
      AdminKeys.ensure(store, config.adminKey(), notices);
      PrometheusMetrics metrics = new PrometheusMetrics();
      engine = Quarry.open(EngineConfig.defaults(config.dataDir()).withCaches(caches), metrics, metrics);
      JsonCodec json = new JsonCodec();
      Router router = new Router(store.apiKeys(), json, config.limits().maxBodyBytes(), metrics)
          .idempotentPosts(store.idempotency())
          .accessLog(AccessLog.to(System.err, java.time.Clock.systemUTC()));
      router.route("GET", "/healthz", Access.open(), (r, k) -> Response.ok(Map.of("status", "alive")));
      router.route("GET", "/readyz", Access.open(), (r, k) -> {
        store.ping();
        return Response.ok(Map.of("status", "ready"));
      });
      new TenantRoutes(store).register(router);
      TenantCollections collections = new TenantCollections(engine);
      new CollectionRoutes(collections).register(router);
      new DocumentRoutes(collections, metrics).register(router);
      new SearchRoutes(collections, config.limits()).register(router);
      HttpServer http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      http.setExecutor(executor);
      http.createContext("/", router);
      http.createContext("/metrics", new MetricsEndpoint(metrics));
      http.start();
      return new QuarryServer(http, executor, store, engine);
    } catch (IOException e) {
      closeAll(engine, store);
      throw new StorageException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeAll(engine, store);
      throw e;
    }
  }

  /** The port actually bound (useful when the configured port was 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  public String host() {
    return http.getAddress().getHostString();
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  /** Stops accepting requests, lets running ones finish for up to a second, then closes everything. */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    http.stop(1);
    executor.close();
    closeAll(engine, store);
    closed.countDown();
  }

  private static void closeAll(Quarry engine, Store store) {
    try {
      if (engine != null) {
        engine.close();
      }
    } finally {
      store.close();
    }
  }
}

package dev.quarry.server;

import dev.quarry.core.embed.InferenceSlots;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.search.Reranker;
import dev.quarry.engine.CacheSettings;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.EmbeddingModelConfig;
import dev.quarry.rerank.crossencoder.CrossEncoderReranker;
import dev.quarry.rerank.llm.ListwiseLlmReranker;
import dev.quarry.rerank.remote.RemoteReranker;
import dev.quarry.runtime.AnswerModels;
import dev.quarry.runtime.AnswerPipeline;
import dev.quarry.runtime.cite.SentenceCiter;
import dev.quarry.runtime.tools.ToolLoop;
import dev.quarry.runtime.tools.http.HttpToolClient;
import dev.quarry.runtime.metering.Metering;
import dev.quarry.server.api.AnswerSources;
import dev.quarry.server.api.BudgetRoutes;
import dev.quarry.server.api.ChatRoutes;
import dev.quarry.server.api.CollectionRoutes;
import dev.quarry.server.api.DocumentRoutes;
import dev.quarry.server.api.ErasureRoutes;
import dev.quarry.server.api.JobRoutes;
import dev.quarry.server.api.EvaluationRoutes;
import dev.quarry.server.api.ExperimentRoutes;
import dev.quarry.server.api.FeedbackRoutes;
import dev.quarry.server.api.MemoryRoutes;
import dev.quarry.server.api.ModelStatusRoutes;
import dev.quarry.server.api.OpenAiRoutes;
import dev.quarry.server.api.SearchRoutes;
import dev.quarry.server.api.SessionRoutes;
import dev.quarry.server.api.TenantRoutes;
import dev.quarry.server.api.ToolRoutes;
import dev.quarry.server.api.UsageRoutes;
import dev.quarry.server.config.CacheConfig;
import dev.quarry.server.config.IngestConfig;
import dev.quarry.server.config.RerankersConfig;
import dev.quarry.server.config.StoreConfig;
import dev.quarry.server.config.ToolsConfig;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.HttpEdge;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.server.ingest.Contents;
import dev.quarry.server.ingest.Erasures;
import dev.quarry.server.ingest.Ingestion;
import dev.quarry.server.evaluation.EvaluationJobs;
import dev.quarry.server.experiment.Experiments;
import dev.quarry.server.ingest.IngestionWorker;
import dev.quarry.server.ingest.WriteLocks;
import dev.quarry.server.mcp.McpRoutes;
import dev.quarry.server.metrics.MetricsEndpoint;
import dev.quarry.server.metrics.PrometheusMetrics;
import dev.quarry.server.observe.AccessLog;
import dev.quarry.server.observe.Tracing;
import dev.quarry.server.openapi.OpenApiRoute;
import dev.quarry.server.tenancy.AdminKeys;
import dev.quarry.server.tenancy.TenantCollections;
import dev.quarry.server.tenancy.VerifiedKeys;
import dev.quarry.server.tools.TenantTools;
import dev.quarry.server.usage.UsageMeter;
import dev.quarry.store.Store;
import dev.quarry.store.StoreOptions;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code quarry serve}: opens the configured store ({@link StoreFactory}:
 * SQLite in the data directory by default, or PostgreSQL) and the engine (Lucene collections in the
 * data directory), makes sure an admin key exists, declares the routes, and serves them on
 * {@link HttpEdge} (Jetty) with one virtual thread per request. Traces go over OTLP when section
 * {@code telemetry} names an endpoint ({@link Tracing}).
 *
 * <p>Decision: no web framework. An HTTP server plus one {@link Router} keep every behaviour of the
 * edge (ids, auth, limits, errors) in a few classes that can be read end to end.
 */
public final class QuarryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QuarryServer.class);

  private final HttpEdge http;
  private final IngestionWorker worker;
  private final Ingestion ingestion;
  private final UsageMeter usage;
  private final DataDirLock lock;
  private final Store store;
  private final Quarry engine;
  private final Router router;
  private final Tracing tracing;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ModelCatalog models;
  private final EvaluationJobs evaluations;
  private final TenantTools tools;
  private final Metering metering;

  private QuarryServer(HttpEdge http, IngestionWorker worker, Ingestion ingestion,
      UsageMeter usage, Store store, Quarry engine, Router router, Tracing tracing, DataDirLock lock,
      ModelCatalog models, EvaluationJobs evaluations, TenantTools tools, Metering metering) {
    this.metering = metering;
    this.tools = tools;
    this.ingestion = ingestion;
    this.evaluations = evaluations;
    this.models = models;
    this.lock = lock;
    this.tracing = tracing;
    this.http = http;
    this.worker = worker;
    this.usage = usage;
    this.store = store;
    this.engine = engine;
    this.router = router;
  }

  /** Starts serving; {@code notices} receives the generated admin key, if one is generated. */
  public static QuarryServer start(ServerConfig config, PrintStream notices) {
    return start(config, caches(config.cache()), notices);
  }

  /**
   * Starts serving with {@code clock} as the time of everything the server stamps, expires and
   * schedules (records, expiry, leases, usage days, access log, compaction's quiet spells); tests
   * pass a clock they move.
   */
  public static QuarryServer start(ServerConfig config, Clock clock, PrintStream notices) {
    return start(config, caches(config.cache()), Tracing.start(config.telemetry()), clock, notices);
  }

  /**
   * Starts serving with {@code tracing} instead of the one section {@code telemetry} configures (a
   * test's in-memory exporter, for example). The server owns it and closes it on {@link #close}.
   */
  public static QuarryServer start(ServerConfig config, Tracing tracing, PrintStream notices) {
    return start(config, caches(config.cache()), tracing, Clock.systemUTC(), notices);
  }

  /** The engine's cache sizes from section {@code cache}: a disabled cache has size 0. */
  static CacheSettings caches(CacheConfig c) {
    return new CacheSettings(
        c.queryEmbeddings().enabled() ? c.queryEmbeddings().maxEntries() : 0,
        c.results().enabled() ? c.results().maxEntries() : 0);
  }

  /**
   * Starts serving with the engine's in-memory caches sized by {@code caches} (instead of section
   * {@code cache}).
   */
  public static QuarryServer start(ServerConfig config, CacheSettings caches, PrintStream notices) {
    return start(config, caches, Tracing.start(config.telemetry()), Clock.systemUTC(), notices);
  }

  /**
   * The composition root. The engine reports its stage times and cache lookups to the same
   * registry {@code /metrics} serves, and its stages to {@code tracing} as spans under the request
   * or ingestion batch they ran for. {@code tracing} is closed if starting fails.
   */
  private static QuarryServer start(ServerConfig config, CacheSettings caches, Tracing tracing, Clock clock,
      PrintStream notices) {
    try {
      return startTraced(config, caches, tracing, clock, notices);
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
  }

  private static QuarryServer startTraced(ServerConfig config, CacheSettings caches, Tracing tracing, Clock clock,
      PrintStream notices) {
    DataDirLock lock = DataDirLock.acquire(config.dataDir());
    Store store;
    try {
      store = StoreFactory.open(config.store(), config.dataDir(), StoreOptions.defaults().withClock(clock));
      if (config.store() instanceof StoreConfig.Sqlite) {
        // The embedded store belongs to this process alone (the lock): claims of a previous run,
        // which may have crashed, cannot still be running, so its documents are due again now.
        store.documents().releaseClaims();
      }
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    Quarry engine = null;
    IngestionWorker worker = null;
    UsageMeter usage = null;
    ModelCatalog models = null;
    EvaluationJobs evaluations = null;
    TenantTools tools = null;
    Metering metering = null;
    try {
      PrometheusMetrics metrics = new PrometheusMetrics(store.documents()::queue);
      engine = Quarry.open(EngineConfig.defaults(config.dataDir()).withCaches(caches),
          tracing.engineStages(metrics), metrics);
      models = ModelCatalog.build(config.runtime().llm(), name -> java.util.Optional.ofNullable(System.getenv(name)), clock);
      // remote embedding models before the ingestion worker can open a collection built with one
      for (EmbeddingModelConfig e : config.runtime().llm().embeddingModels()) {
        engine.addEmbeddingModel(models.embedder(e));
      }
      addRerankers(engine, config.rerankers());
      JsonCodec json = new JsonCodec();
      VerifiedKeys keys = new VerifiedKeys(store.apiKeys(), clock);
      Router router = new Router(keys, json, config.limits().maxBodyBytes(), metrics)
          .idempotentPosts(store.idempotency())
          .accessLog(AccessLog.toLogger())
          .tracing(tracing)
          .cors(config.cors());
      router.route("GET", "/healthz", Access.open(),
          ApiDoc.op("getLiveness", "Liveness: the process serves requests").responds(200, "`{\"status\": \"alive\"}`"),
          (r, k) -> Response.ok(Map.of("status", "alive")));
      OpenApiRoute.register(router, json);
      new TenantRoutes(store, keys, clock).register(router);
      TenantCollections collections = new TenantCollections(engine);
      WriteLocks locks = new WriteLocks(clock);
      usage = UsageMeter.start(store.usage(), clock, UsageMeter.FLUSH_INTERVAL);
      Ingestion ingestion = new Ingestion(store, collections, locks, new Contents(json, engine),
          config.ingest(), metrics, tracing, usage);
      Erasures erasures = new Erasures(store, collections, ingestion, locks);
      worker = IngestionWorker.start(ingestion, erasures, clock);
      IngestionWorker ingestWorker = worker;
      Quarry readyEngine = engine;
      router.route("GET", "/readyz", Access.open(),
          ApiDoc.op("getReadiness", "Readiness: the store answers, the index directory is writable, ingestion runs")
              .responds(200, "`{\"status\": \"ready\"}`")
              .fails(503, "storage: the store does not answer, the data directory is not writable, or the "
                  + "ingestion worker stopped (retryable)"),
          (r, k) -> {
            store.ping();
            readyEngine.checkReady();
            if (!ingestWorker.alive()) {
              throw new StorageException("the ingestion worker is not running; see the server log");
            }
            return Response.ok(Map.of("status", "ready"));
          });
      new CollectionRoutes(collections, ingestion, store, locks, json, config.limits()).register(router);
      new DocumentRoutes(collections, ingestion, store, json, config.limits(), clock).register(router);
      new JobRoutes(store, clock).register(router);
      new ErasureRoutes(store, worker::wake).register(router);
      Experiments experiments = new Experiments(store.experiments());
      new SearchRoutes(collections, config.limits(), store, json, usage, experiments).register(router);
      new ExperimentRoutes(experiments, collections).register(router);
      new FeedbackRoutes(experiments).register(router);
      ModelCatalog catalog = models;
      metering = new Metering(store.ledger(), clock, config.runtime().metering(), metrics,
          name -> catalog.model(name).map(m -> catalog.price(name)), catalog::tokenCounter);
      new UsageRoutes(store, collections, usage, metering).register(router);
      new BudgetRoutes(store, metering, clock).register(router);
      AnswerModels answerModels = new AnswerModels(models, config.runtime().answer(), metering::wrap);
      AnswerPipeline answers = AnswerPipeline.standard(answerModels,
          config.runtime().answer(), tracing.engineStages(metrics), metrics, clock);
      addLlmRerankers(engine, config.rerankers(), answerModels, clock);
      MemoryRoutes memories = new MemoryRoutes(store.memories(), collections, json);
      memories.register(router);
      ToolsConfig toolsConfig = config.runtime().tools();
      AnswerSources answerSources = new AnswerSources(collections, store, json);
      tools = new TenantTools(collections, answerSources::find, store, ingestion, new HttpToolClient(toolsConfig.http()),
          new ToolLoop(toolsConfig.loop(), new SentenceCiter(), tracing.engineStages(metrics), clock), clock,
          metering::requireToolAllowed);
      new ToolRoutes(store.tools()).register(router);
      new McpRoutes(tools, clock, "v1").register(router);
      new ChatRoutes(answerSources, answers, config.limits(), json, clock, store.sessions(), config.runtime().sessions(),
          memories, tools).register(router);
      new OpenAiRoutes(collections, answerSources, store.collections(), answers, memories, tracing.engineStages(metrics), json, clock,
          tools).register(router);
      new ModelStatusRoutes(answers.models()).register(router);
      metrics.watchBreakers(models.health()::status);
      new SessionRoutes(store.sessions()).register(router);
      evaluations = EvaluationJobs.start(store.evaluations(), collections);
      new EvaluationRoutes(store.evaluations(), collections, evaluations, json).register(router);
      HttpEdge http = HttpEdge.listen(config.host(), config.port());
      // only now, with the port bound: a start that fails generates no key, so the next one prints it
      AdminKeys.ensure(store, config.adminKey(), clock.instant(), notices);
      http.start(router, Map.of("/metrics", new MetricsEndpoint(metrics)));
      LOG.atInfo()
          .addKeyValue("address", "http://" + http.host() + ":" + http.port())
          .addKeyValue("data_dir", config.dataDir().toString())
          .addKeyValue("store", config.store() instanceof StoreConfig.Sqlite ? "sqlite" : "postgresql")
          .addKeyValue("default_model", EngineConfig.defaults(config.dataDir()).defaults().model())
          .log("serving on http://{}:{} (data in {})", http.host(), http.port(),
              config.dataDir());
      return new QuarryServer(http, worker, ingestion, usage, store, engine, router, tracing, lock, models,
          evaluations, tools, metering);
    } catch (RuntimeException e) {
      if (evaluations != null) {
        evaluations.close();
      }
      closeQuietly(models);
      if (tools != null) {
        tools.close();
      }
      if (metering != null) {
        metering.close();
      }
      closeAll(worker, usage, engine, store);
      lock.close();
      throw e;
    }
  }

  /**
   * Makes each configured re-ranker nameable by searches: a cross-encoder's model and tokenizer are
   * loaded now (a missing or unfit file stops the start, with the entry's path); a remote API is
   * called per search. The engine closes them. A cross-encoder's model calls run on the workers of
   * the default embedding model (loaded now), ahead of ingestion's batches.
   */
  private static void addRerankers(Quarry engine, RerankersConfig rerankers) {
    for (RerankersConfig.Entry e : rerankers.entries()) {
      if (e instanceof RerankersConfig.Llm) {
        continue; // added with the chat models: addLlmRerankers
      }
      Reranker r = switch (e) {
        case RerankersConfig.CrossEncoder c -> {
          try {
            var model = engine.embedder(engine.config().defaults().model());
            yield CrossEncoderReranker.open(c.config(), model instanceof InferenceSlots s ? s : InferenceSlots.CALLER);
          } catch (InvalidInputException ex) {
            throw new InvalidInputException(c.path() + " (" + c.name() + "): " + ex.getMessage(), ex);
          }
        }
        case RerankersConfig.Remote remote -> RemoteReranker.create(remote.config());
        case RerankersConfig.Llm l -> throw new IllegalStateException("unreachable: " + l.name());
      };
      engine.addReranker(e.name(), r);
      LOG.info("re-ranker '{}' ready ({})", e.name(), e);
    }
  }

  /**
   * Makes each configured {@code llm} re-ranker nameable by searches: its model or route is resolved
   * as chat resolves one (behind its breaker, with retries, metered), so its calls are checked
   * against and charged to the budget of the tenant whose search makes them (SearchRoutes binds the
   * call context).
   */
  private static void addLlmRerankers(Quarry engine, RerankersConfig rerankers, AnswerModels models, Clock clock) {
    for (RerankersConfig.Entry e : rerankers.entries()) {
      if (e instanceof RerankersConfig.Llm l) {
        dev.quarry.core.chat.ChatModel model = models.resolve(l.model()).chat().orElseThrow(
            () -> new InvalidInputException(l.path() + ".model: \"" + l.model() + "\" cannot rank"));
        engine.addReranker(l.name(), new ListwiseLlmReranker(model, l.config(), clock));
        LOG.info("re-ranker '{}' ready (llm, model {}, depth {}, window {})", l.name(), l.model(), l.config().depth(),
            l.config().window());
      }
    }
  }

  private static void closeQuietly(ModelCatalog models) {
    if (models != null) {
      models.close();
    }
  }

  /** The port actually bound (useful when the configured port was 0). */
  public int port() {
    return http.port();
  }

  public String host() {
    return http.host();
  }

  /** The routes as declared, for the OpenAPI drift test. */
  Router router() {
    return router;
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  /**
   * Ends requests waiting for ingestion jobs (they answer a retryable 503), stops accepting
   * requests, lets running ones finish for up to a second, then closes everything; last, exports
   * the spans not yet exported (waiting up to 10 s for the collector).
   */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    LOG.info("stopping: no new requests, running ones get a second, then ingestion, store and index close");
    ingestion.endWaits();
    http.close();
    evaluations.close();
    closeQuietly(models);
    tools.close();
    try {
      metering.close();
      closeAll(worker, usage, engine, store);
    } finally {
      try {
        lock.close();
      } finally {
        tracing.close();
      }
    }
    LOG.info("stopped");
    closed.countDown();
  }

  /** Closes in dependency order: the worker counts usage, and the meter's last flush needs the store. */
  private static void closeAll(IngestionWorker worker, UsageMeter usage, Quarry engine, Store store) {
    try {
      if (worker != null) {
        worker.close();
      }
    } finally {
      try {
        if (usage != null) {
          usage.close();
        }
      } finally {
        closeAll(engine, store);
      }
    }
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

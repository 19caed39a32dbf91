package dev.quarry.server;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.server.config.CacheConfig;
import dev.quarry.server.config.ConfigSection;
import dev.quarry.server.config.CorsConfig;
import dev.quarry.server.config.IngestConfig;
import dev.quarry.server.config.StoreConfig;
import dev.quarry.server.config.RerankersConfig;
import dev.quarry.server.config.RuntimeConfig;
import dev.quarry.server.config.TelemetryConfig;
import dev.quarry.server.config.YamlConfigFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code quarry serve} is configured with, bound once at start: where to listen, the
 * data directory, the request limits, the admin key, the store, and the settings of ingestion,
 * caches, telemetry and CORS, the answer runtime, and the configured re-rankers. Each component
 * receives its own record.
 *
 * <p>{@link #load} reads, from lowest to highest precedence: the defaults, a YAML file, {@code
 * QUARRY_*} environment variables, then command-line flags; see {@code docs/configuration.md}.
 * Every invalid setting fails the start with its path, e.g. {@code limits.max_k: expected a whole
 * number, got "ten"}. Decision: the server binds to 127.0.0.1 unless told otherwise, so a first start
 * never exposes an API to the network. {@link #toString()} hides the admin key and the store password.
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Limits limits,
    Optional<String> adminKey,
    StoreConfig store,
    IngestConfig ingest,
    CacheConfig cache,
    TelemetryConfig telemetry,
    CorsConfig cors,
    RuntimeConfig runtime,
    RerankersConfig rerankers) {

  /** Request limits. Every one is checked before the request does any work. */
  public record Limits(
      long maxBodyBytes, int maxK, int maxQueryLength, int maxFilterDepth, int maxBatchDocuments, long maxBatchBytes) {

    /**
     * 8 MiB bodies, k up to {@link SearchRequest#MAX_K} (the engine's and the CLI's limit, so one
     * rule holds everywhere unless an operator lowers it), 4096-character queries, filters nested 8
     * deep; batches of up to 10,000 documents and 32 MiB (the default heap of {@code quarry serve}
     * is 512 MiB).
     */
    public static final Limits DEFAULT = new Limits(8L << 20, SearchRequest.MAX_K, 4096, 8, 10_000, 32L << 20);

    public Limits {
      positive("max body bytes", maxBodyBytes);
      positive("max k", maxK);
      positive("max query length", maxQueryLength);
      positive("max filter depth", maxFilterDepth);
      positive("max batch documents", maxBatchDocuments);
      positive("max batch bytes", maxBatchBytes);
      if (maxK > SearchRequest.MAX_K) {
        throw new InvalidInputException("max k must be at most " + SearchRequest.MAX_K + ", got: " + maxK);
      }
    }

    /** The single-request limits, with the default batch limits. */
    public Limits(long maxBodyBytes, int maxK, int maxQueryLength, int maxFilterDepth) {
      this(maxBodyBytes, maxK, maxQueryLength, maxFilterDepth, DEFAULT.maxBatchDocuments, DEFAULT.maxBatchBytes);
    }

    private static void positive(String what, long value) {
      if (value < 1) {
        throw new InvalidInputException(what + " must be at least 1, got: " + value);
      }
    }

    static Limits from(ConfigSection s) {
      Limits d = DEFAULT;
      long gib = 1L << 30;
      Limits limits = new Limits(
          s.bytes("max_body_bytes", 1, gib, "QUARRY_MAX_BODY_BYTES").orElse(d.maxBodyBytes()),
          s.integer("max_k", 1, SearchRequest.MAX_K, "QUARRY_MAX_K").orElse(d.maxK()),
          s.integer("max_query_length", 1, 1_000_000, "QUARRY_MAX_QUERY_LENGTH").orElse(d.maxQueryLength()),
          s.integer("max_filter_depth", 1, 64, "QUARRY_MAX_FILTER_DEPTH").orElse(d.maxFilterDepth()),
          s.integer("max_batch_documents", 1, 1_000_000).orElse(d.maxBatchDocuments()),
          s.bytes("max_batch_bytes", 1, gib).orElse(d.maxBatchBytes()));
      s.done();
      return limits;
    }
  }

  /** Values given as {@code quarry serve} flags ({@code --host}, {@code --port}, {@code --data-dir}). */
  public record Flags(Optional<String> host, Optional<Integer> port, Optional<Path> dataDir) {

    public static final Flags NONE = new Flags(Optional.empty(), Optional.empty(), Optional.empty());

    public Flags {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(port, "port");
      Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The flags as configuration paths to values. */
    Map<String, String> byPath() {
      Map<String, String> out = new LinkedHashMap<>();
      host.ifPresent(h -> out.put("server.host", h));
      port.ifPresent(p -> out.put("server.port", Integer.toString(p)));
      dataDir.ifPresent(d -> out.put("data_dir", d.toString()));
      return out;
    }
  }

  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The variable naming the configuration file when {@code --config} is not given. */
  public static final String CONFIG_ENV = "QUARRY_CONFIG";

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(adminKey, "adminKey");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(rerankers, "rerankers");
    if (host.isBlank()) {
      throw new InvalidInputException("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("port must be in 0..65535 (0 picks a free port), got: " + port);
    }
  }

  /** The defaults on {@code dataDir}: 127.0.0.1:8080, SQLite, the default limits, no chosen admin key. */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, dataDir, Limits.DEFAULT, Optional.empty(),
        StoreConfig.DEFAULT, IngestConfig.DEFAULT, CacheConfig.DEFAULT, TelemetryConfig.DEFAULT,
        CorsConfig.DEFAULT,
        RuntimeConfig.DEFAULT, RerankersConfig.NONE);
  }

  /**
   * The configuration of {@code quarry serve}: {@code file} (else the file named by {@value
   * #CONFIG_ENV}, else none: defaults), overridden by {@code env}, overridden by {@code flags}.
   */
  public static ServerConfig load(Optional<Path> file, Map<String, String> env, Flags flags) {
    Optional<Path> chosen = file.or(() -> Optional.ofNullable(env.get(CONFIG_ENV))
        .filter(v -> !v.isBlank()).map(v -> Path.of(v.trim())));
    ConfigSection root = ConfigSection.root(
        chosen.map(YamlConfigFile::read).orElseGet(ConfigSection::emptyFile), env, flags.byPath());
    ServerConfig config = bind(root);
    root.finish();
    return config;
  }

  /** {@link #load} without flags and without a file unless {@value #CONFIG_ENV} names one. */
  public static ServerConfig fromEnvironment(Map<String, String> env) {
    return load(Optional.empty(), env, Flags.NONE);
  }

  /**
   * Binds the whole configuration from {@code root}: sections {@code server}, {@code limits},
   * {@code store}, {@code ingest}, {@code cache}, {@code telemetry}, {@code cors}, the answer
   * runtime's sections, the list {@code rerankers}, and the key {@code data_dir}.
   */
  public static ServerConfig bind(ConfigSection root) {
    ConfigSection server = root.section("server");
    String host = server.text("host", "QUARRY_HOST").orElse(DEFAULT_HOST);
    if (host.isBlank()) {
      throw server.invalid("host", "must not be blank");
    }
    int port = server.integer("port", 0, 65535, "QUARRY_PORT").orElse(DEFAULT_PORT);
    Optional<String> adminKey = server.secret("admin_key", "QUARRY_ADMIN_KEY");
    server.done();
    Path dataDir = root.path("data_dir").orElse(Path.of("data"));
    Limits limits = Limits.from(root.section("limits"));
    StoreConfig store = StoreConfig.from(root.section("store"));
    IngestConfig ingest = IngestConfig.from(root.section("ingest"));
    CacheConfig cache = CacheConfig.from(root.section("cache"));
    TelemetryConfig telemetry = TelemetryConfig.from(root.section("telemetry"));
    CorsConfig cors = CorsConfig.from(root.section("cors"));
    // the runtime before the re-rankers: an llm re-ranker names one of its models
    RuntimeConfig runtime = RuntimeConfig.from(root);
    return new ServerConfig(host, port, dataDir,
        limits, adminKey, store, ingest, cache, telemetry, cors, runtime,
        RerankersConfig.from(root, "rerankers", runtime.llm()));
  }

  /** Every key of the configuration with the environment variables that set it, in binding order. */
  public static List<ConfigSection.Key> keys() {
    ConfigSection root = ConfigSection.root(ConfigSection.emptyFile(), Map.of(), Map.of());
    bind(root);
    return root.keysRead();
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(newHost, port, dataDir, limits, adminKey, store, ingest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, dataDir, limits, adminKey, store, ingest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withDataDir(Path newDataDir) {
    return new ServerConfig(host, port, newDataDir, limits, adminKey, store, ingest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withLimits(Limits newLimits) {
    return new ServerConfig(host, port, dataDir, newLimits, adminKey, store, ingest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withAdminKey(Optional<String> newAdminKey) {
    return new ServerConfig(host, port, dataDir, limits, newAdminKey, store, ingest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withStore(StoreConfig newStore) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, newStore, ingest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withIngest(IngestConfig newIngest) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, store, newIngest, cache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withCache(CacheConfig newCache) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, store, ingest, newCache, telemetry, cors, runtime, rerankers);
  }

  public ServerConfig withTelemetry(TelemetryConfig newTelemetry) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, store, ingest, cache, newTelemetry, cors, runtime, rerankers);
  }

  public ServerConfig withCors(CorsConfig newCors) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, store, ingest, cache, telemetry, newCors, runtime, rerankers);
  }

  public ServerConfig withRuntime(RuntimeConfig newRuntime) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, store, ingest, cache, telemetry, cors, newRuntime, rerankers);
  }

  public ServerConfig withRerankers(RerankersConfig newRerankers) {
    return new ServerConfig(host, port, dataDir, limits, adminKey, store, ingest, cache, telemetry, cors, runtime, newRerankers);
  }

  @Override
  public String toString() {
    return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", limits=" + limits
        + ", adminKey=" + (adminKey.isPresent() ? "<set>" : "<none>") + ", store=" + store
        + ", ingest=" + ingest + ", cache=" + cache + ", telemetry=" + telemetry + ", cors=" + cors + ", runtime=" + runtime
        + ", rerankers=" + rerankers + "]";
  }
}

package dev.quarry.server;

import dev.quarry.core.error.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code quarry serve} is configured with, bound once at start: where to listen, the
 * data directory, the request limits, and the operator-chosen admin key.
 *
 * <p>Built from {@code QUARRY_*} environment variables ({@link #fromEnvironment}); command-line flags
 * then override single values through the {@code with*} methods. Decision: the server binds to
 * 127.0.0.1 unless told otherwise, so a first start never exposes an API to the network.
 * {@link #toString()} hides the admin key.
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Limits limits,
    Optional<String> adminKey) {

  /** Request limits. Every one is checked before the request does any work. */
  public record Limits(long maxBodyBytes, int maxK, int maxQueryLength, int maxFilterDepth,
      int maxBatchDocuments, long maxBatchBytes) {

    /**
     * 8 MiB bodies, k up to 100, 4096-character queries, filters nested 8 deep; batches of up to
     * 10,000 documents and 64 MiB.
     */
    public static final Limits DEFAULT = new Limits(8L << 20, 100, 4096, 8, 10_000, 64L << 20);

    public Limits {
      positive("max body bytes", maxBodyBytes);
      positive("max k", maxK);
      positive("max query length", maxQueryLength);
      positive("max filter depth", maxFilterDepth);
      positive("max batch documents", maxBatchDocuments);
      positive("max batch bytes", maxBatchBytes);
    }

    /** Limits with the default batch limits. */
    public Limits(long maxBodyBytes, int maxK, int maxQueryLength, int maxFilterDepth) {
      this(maxBodyBytes, maxK, maxQueryLength, maxFilterDepth, 10_000, 64L << 20);
    }

    private static void positive(String what, long value) {
      if (value < 1) {
        throw new InvalidInputException(what + " must be at least 1, got: " + value);
      }
    }
  }

  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(adminKey, "adminKey");
    if (host.isBlank()) {
      throw new InvalidInputException("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("port must be in 0..65535 (0 picks a free port), got: " + port);
    }
  }

  /** The defaults on {@code dataDir}: 127.0.0.1:8080, {@link Limits#DEFAULT}, no chosen admin key. */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, dataDir, Limits.DEFAULT, Optional.empty());
  }

  /**
   * Reads {@code QUARRY_HOST}, {@code QUARRY_PORT}, {@code QUARRY_DATA_DIR} (default {@code data}),
   * {@code QUARRY_MAX_BODY_BYTES}, {@code QUARRY_MAX_K}, {@code QUARRY_MAX_QUERY_LENGTH}, {@code
   * QUARRY_MAX_FILTER_DEPTH} and {@code QUARRY_ADMIN_KEY}; unset variables keep the defaults.
   */
  public static ServerConfig fromEnvironment(Map<String, String> env) {
    Limits d = Limits.DEFAULT;
    Limits limits = new Limits(
        longVar(env, "QUARRY_MAX_BODY_BYTES", d.maxBodyBytes()),
        (int) longVar(env, "QUARRY_MAX_K", d.maxK()),
        (int) longVar(env, "QUARRY_MAX_QUERY_LENGTH", d.maxQueryLength()),
        (int) longVar(env, "QUARRY_MAX_FILTER_DEPTH", d.maxFilterDepth()));
    return new ServerConfig(
        text(env, "QUARRY_HOST").orElse(DEFAULT_HOST),
        (int) longVar(env, "QUARRY_PORT", DEFAULT_PORT),
        Path.of(text(env, "QUARRY_DATA_DIR").orElse("data")),
        limits,
        text(env, "QUARRY_ADMIN_KEY"));
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(newHost, port, dataDir, limits, adminKey);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, dataDir, limits, adminKey);
  }

  public ServerConfig withDataDir(Path newDataDir) {
    return new ServerConfig(host, port, newDataDir, limits, adminKey);
  }

  public ServerConfig withLimits(Limits newLimits) {
    return new ServerConfig(host, port, dataDir, newLimits, adminKey);
  }

  public ServerConfig withAdminKey(Optional<String> newAdminKey) {
    return new ServerConfig(host, port, dataDir, limits, newAdminKey);
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  private static long longVar(Map<String, String> env, String name, long fallback) {
    Optional<String> v = text(env, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(v.get().trim());
      if (parsed > Integer.MAX_VALUE && !name.equals("QUARRY_MAX_BODY_BYTES")) {
        throw new InvalidInputException(name + " must be at most " + Integer.MAX_VALUE + ", got: " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " must be a whole number, got: '" + v.get() + "'", e);
    }
  }

  @Override
  public String toString() {
    return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", limits=" + limits
        + ", adminKey=" + (adminKey.isPresent() ? "<set>" : "<none>") + "]";
  }
}

package dev.quarry.cli;

import dev.quarry.server.QuarryServer;
import dev.quarry.server.ServerConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quarry serve}: the HTTP API. Settings come from a YAML file ({@code --config}, or {@code
 * $QUARRY_CONFIG}), overridden by {@code QUARRY_*} environment variables, overridden by the flags
 * here ({@link ServerConfig#load}; docs/configuration.md lists every key). Runs until the process is
 * stopped: SIGINT or SIGTERM close the server, the index and the store, and the process exits 0
 * once that is done (1 if closing failed), not 130 or 143: a clean stop is a success.
 */
@Command(name = "serve", description = "Serve the HTTP API (tenants, keys, collections, documents, search).")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: $QUARRY_CONFIG, else none).")
  Path configFile;

  @Option(names = "--port", paramLabel = "N", description = "Port (default 8080; overrides the file and $QUARRY_PORT; 0 picks a free one).")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default 127.0.0.1; overrides the file and $QUARRY_HOST).")
  String host;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default ./data; overrides the file and $QUARRY_DATA_DIR).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config = ServerConfig.load(Optional.ofNullable(configFile), System.getenv(),
        new ServerConfig.Flags(Optional.ofNullable(host), Optional.ofNullable(port), Optional.ofNullable(dataDir)));
    QuarryServer server = QuarryServer.start(config, System.err); // logs where it serves
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int status = 1;
      try {
        server.close();
        status = 0;
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(ServeCommand.class).error("closing the server failed", e);
      } finally {
        Logging.stop(); // the access lines still queued are written
        // The JVM would exit with 128 + the signal; halting ends it now with the outcome instead.
        // Nothing is left to run: the server closed everything it opened and logged "stopped".
        Runtime.getRuntime().halt(status);
      }
    }, "quarry-shutdown"));
    server.awaitClose();
    return 0;
  }
}

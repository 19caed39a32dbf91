package dev.quarry.cli;

import dev.quarry.server.QuarryServer;
import dev.quarry.server.ServerConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quarry serve}: the HTTP API. Settings come from a YAML file ({@code --config}, or {@code
 * $QUARRY_CONFIG}), overridden by {@code QUARRY_*} environment variables, overridden by the flags
 * here ({@link ServerConfig#load}; docs/configuration.md lists every key). Runs until the process is
 * stopped (SIGINT/SIGTERM close the server, the index and the store).
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
    QuarryServer server = QuarryServer.start(config, System.err);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "quarry-shutdown"));
    System.err.println("quarry: serving on http://" + server.host() + ":" + server.port() + " (data in " + config.dataDir() + ")");
    server.awaitClose();
    return 0;
  }
}

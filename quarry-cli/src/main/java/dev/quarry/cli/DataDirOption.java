package dev.quarry.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, shared by every command that touches stored data. */
final class DataDirOption {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:QUARRY_DATA_DIR:-data}",
      description = "Data directory (indexes, caches). Default: ./data, or $QUARRY_DATA_DIR.")
  Path dataDir;
}

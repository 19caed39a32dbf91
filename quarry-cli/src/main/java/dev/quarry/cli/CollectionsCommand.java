package dev.quarry.cli;

import dev.quarry.engine.Quarry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "collections", description = "List collections with how they were built and their counts.")
final class CollectionsCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin DataDirOption data;

  @Override
  public Integer call() {
    try (DataDirOption.Session session = data.openForReading()) {
      Quarry quarry = session.quarry();
      List<Quarry.CollectionSummary> all = quarry.list();
      if (json) {
        System.out.println(Json.write(all.stream().map(s -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", s.name());
          m.put("model", s.manifest().embedderId());
          m.put("dimension", s.manifest().dimension());
          m.put("vectors", s.manifest().vectorEncoding().name().toLowerCase(Locale.ROOT));
          m.put("chunker", s.manifest().chunker().describe());
          m.put("documents", s.stats().documents());
          m.put("chunks", s.stats().chunks());
          m.put("size_bytes", s.stats().sizeBytes());
          m.put("generation", s.stats().generation());
          return m;
        }).toList()));
        return 0;
      }
      if (all.isEmpty()) {
        System.out.println("no collections in " + data.dataDir);
      }
      for (var s : all) {
        System.out.printf(Locale.ROOT, "%-24s %,10d docs %,10d chunks %8.1f MB  %s %s %s%n", s.name(),
            s.stats().documents(), s.stats().chunks(), s.stats().sizeBytes() / 1e6, s.manifest().embedderId(),
            s.manifest().vectorEncoding().name().toLowerCase(Locale.ROOT), s.manifest().chunker().describe());
      }
    }
    return 0;
  }
}

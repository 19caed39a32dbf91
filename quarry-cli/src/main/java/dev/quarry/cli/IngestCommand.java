package dev.quarry.cli;

import dev.quarry.engine.Collection;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.engine.ingest.Rejection;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ingest", description = "Ingest a file, a folder tree or a BEIR .jsonl(.gz) corpus into a collection.")
final class IngestCommand implements Callable<Integer> {

  /** Rejections listed one by one before the summary says "and N more". */
  static final int LISTED_REJECTIONS = 20;

  @Parameters(index = "0", paramLabel = "PATH", description = "File or directory to ingest.")
  Path path;

  @Option(names = {"-c", "--collection"}, required = true, paramLabel = "NAME", description = "Collection to ingest into (created if absent).")
  String collection;

  @Option(names = "--json", description = "Print the summary as JSON; no progress line.")
  boolean json;

  @Option(names = "--type", paramLabel = "EXT=FORMAT",
      description = {"Also read files with extension EXT as FORMAT (text, markdown, html, pdf or jsonl), e.g. "
          + "--type yaml=text. Repeatable. Files without an extension are read as text when they are text."})
  Map<String, String> types = new LinkedHashMap<>();

  @Mixin DataDirOption data;
  @Mixin CollectionOptions settings;

  @Override
  public Integer call() {
    if (!Files.exists(path)) {
      throw new dev.quarry.core.error.NotFoundException("no such file or directory: " + path);
    }
    try (DataDirOption.Session session = data.openForWriting("ingest")) {
      Quarry quarry = session.quarry();
      Collection c = quarry.openOrCreate(collection, settings.requested());
      ProgressListener progress = TerminalProgress.forTerminal(json);
      IngestReport report = c.ingest(quarry.files(path, types), progress);
      TerminalProgress.finish(progress);
      print(report, System.out);
    }
    return 0;
  }

  private void print(IngestReport r, PrintStream out) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("collection", collection);
      m.put("documents", r.documents());
      m.put("indexed", r.indexed());
      m.put("unchanged", r.unchanged());
      m.put("chunks", r.chunks());
      m.put("skipped", r.rejected().size());
      m.put("seconds", r.elapsed().toNanos() / 1e9);
      m.put("chunks_per_second", r.chunksPerSecond());
      m.put("embed_seconds", r.embedSeconds());
      m.put("generation", r.generation());
      m.put("rejected", r.rejected().stream().map(x -> Map.of("location", x.location(), "reason", x.reason())).toList());
      out.println(Json.write(m));
      return;
    }
    out.printf(Locale.ROOT, "%s: %,d documents read, %,d indexed (%,d chunks), %,d unchanged, %,d skipped in %.1f s (%.1f chunks/s)%n",
        collection, r.documents(), r.indexed(), r.chunks(), r.unchanged(), r.rejected().size(),
        r.elapsed().toNanos() / 1e9, r.chunksPerSecond());
    List<Rejection> rejected = r.rejected();
    for (int i = 0; i < Math.min(LISTED_REJECTIONS, rejected.size()); i++) {
      out.println("  skipped " + rejected.get(i).location() + ": " + rejected.get(i).reason());
    }
    if (rejected.size() > LISTED_REJECTIONS) {
      out.printf(Locale.ROOT, "  ... and %,d more (use --json for all)%n", rejected.size() - LISTED_REJECTIONS);
    }
    if (rejected.stream().anyMatch(x -> x.reason().startsWith("unsupported file type '"))) {
      out.println("  (to read another extension as a supported format, add --type EXT=FORMAT, e.g. --type yaml=text)");
    }
  }
}

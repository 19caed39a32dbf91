package dev.quarry.bench;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.Chunker;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.document.Document;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.IngestSettings;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.ingest.chunk.Chunkers;
import dev.quarry.ingest.parse.IngestLimits;
import dev.quarry.ingest.parse.SourceWalker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Pipeline overhead: chunks/s of the whole ingestion (parse, hash, chunk, embed, index, commit)
 * against the raw rate of the same ONNX embedder on the same chunk texts, in one process. The
 * embedding cache is off for both, so every chunk is embedded.
 */
final class IngestBenchmark {

  private IngestBenchmark() {}

  static void run(Bench.Args a) throws Exception {
    BeirDataset ds = BeirDataset.open(a.dataset());
    List<Document> docs = new ArrayList<>();
    new SourceWalker(dev.quarry.ingest.parse.ParserRegistry.standard(IngestLimits.DEFAULT)).walk(ds.corpus(), o -> {
      if (o instanceof ParseOutcome.Parsed p) {
        docs.add(p.document());
      }
    });
    List<String> texts = new ArrayList<>();
    try (OnnxEmbedder model = OnnxEmbedder.open(dev.quarry.embed.onnx.OnnxEmbedderConfig.defaults())) {
      Chunker chunker = Chunkers.create(ChunkerConfig.DEFAULT, model.tokenizer());
      long t0 = System.nanoTime();
      for (Document d : docs) {
        for (Chunk c : chunker.chunk(d)) {
          texts.add(c.embeddingText());
        }
      }
      double chunkSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "corpus: %s, %,d documents, %,d chunks (chunking took %.2f s)%n",
          ds.name(), docs.size(), texts.size(), chunkSeconds);
      model.embed(texts.subList(0, Math.min(128, texts.size())), InputKind.DOCUMENT); // warm-up
      int batch = IngestSettings.DEFAULT.batchChunks();
      long r0 = System.nanoTime();
      long c0 = Machine.processCpuNanos();
      for (int i = 0; i < texts.size(); i += batch) {
        model.embed(texts.subList(i, Math.min(texts.size(), i + batch)), InputKind.DOCUMENT);
      }
      double rawSeconds = (System.nanoTime() - r0) / 1e9;
      double rawCpu = (Machine.processCpuNanos() - c0) / 1e9;
      double raw = texts.size() / rawSeconds;
      System.out.printf(Locale.ROOT, "raw ONNX embedding: %,d chunks in %.1f s = %.1f chunks/s; %.1f CPU-s = %.2f chunks per CPU-second (batches of %d) [load %s]%n",
          texts.size(), rawSeconds, raw, rawCpu, texts.size() / rawCpu, batch, Machine.loadAverage());

      Path dir = Files.createTempDirectory("quarry-ingest-bench");
      try (Quarry quarry = Quarry.open(EngineConfig.defaults(dir).withEmbeddingCache(false))) {
        var collection = quarry.openOrCreate("bench", Optional.empty());
        long p0 = Machine.processCpuNanos();
        IngestReport r = collection.ingest(quarry.files(ds.corpus()), ProgressListener.NONE);
        double pipelineCpu = (Machine.processCpuNanos() - p0) / 1e9;
        double e2e = r.chunksPerSecond();
        System.out.printf(Locale.ROOT,
            "pipeline: %,d documents, %,d chunks in %.1f s = %.1f chunks/s (%.1f s inside the embedder); %.1f CPU-s = %.2f chunks per CPU-second [load %s]%n",
            r.indexed(), r.chunks(), r.elapsed().toNanos() / 1e9, e2e, r.embedSeconds(), pipelineCpu,
            r.chunks() / pipelineCpu, Machine.loadAverage());
        System.out.printf(Locale.ROOT, "pipeline / raw, wall clock: %.1f%%; per CPU-second (independent of other load): %.1f%%%n",
            100 * e2e / raw, 100 * (r.chunks() / pipelineCpu) / (texts.size() / rawCpu));
      } finally {
        deleteTree(dir);
      }
    }
    System.out.println(Machine.describe());
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

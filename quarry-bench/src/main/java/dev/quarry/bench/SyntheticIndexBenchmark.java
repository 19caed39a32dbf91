package dev.quarry.bench;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.ScoredChunkRef;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.embed.cache.CachingEmbedder;
import dev.quarry.embed.cache.EmbeddingCache;
import dev.quarry.embed.onnx.OnnxEmbedder;
import dev.quarry.embed.onnx.OnnxEmbedderConfig;
import dev.quarry.eval.dataset.BeirDataset;
import dev.quarry.eval.dataset.Query;
import dev.quarry.ingest.parse.IngestLimits;
import dev.quarry.ingest.parse.ParserRegistry;
import dev.quarry.ingest.parse.SourceWalker;
import dev.quarry.lucene.LuceneChunkIndex;
import dev.quarry.search.Searcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A large index built without embedding every chunk: {@code --chunks} synthetic chunks, each the
 * opening of one corpus document followed by part of another, with the vector {@code
 * normalise(0.75 a + 0.25 b + noise)} of their real embeddings. The vectors thus crowd like real
 * ones. Then, with real query embeddings of the test queries: hybrid latency (single client, query
 * embedding included) and recall@10 of HNSW against exact search with the default settings.
 */
final class SyntheticIndexBenchmark {

  static final double NOISE = 0.015;

  private SyntheticIndexBenchmark() {}

  static void run(Bench.Args a) throws Exception {
    BeirDataset ds = BeirDataset.open(a.dataset());
    List<Document> docs = new ArrayList<>();
    new SourceWalker(ParserRegistry.standard(IngestLimits.DEFAULT)).walk(ds.corpus(), o -> {
      if (o instanceof ParseOutcome.Parsed p) {
        docs.add(p.document());
      }
    });
    try (OnnxEmbedder model = OnnxEmbedder.open(OnnxEmbedderConfig.defaults());
        EmbeddingCache cache = EmbeddingCache.open(a.dataDir().resolve("cache").resolve("bench-synthetic"), model.info())) {
      Embedder cached = new CachingEmbedder(model, cache);
      List<String> sources = docs.stream().map(d -> d.title() + "\n\n" + d.text()).toList();
      long e0 = System.nanoTime();
      float[][] base = cached.embed(sources, InputKind.DOCUMENT);
      cache.flush();
      System.out.printf(Locale.ROOT, "embedded %,d source documents in %.1f s (cached across runs)%n", base.length, (System.nanoTime() - e0) / 1e9);

      Path dir = Files.createTempDirectory("quarry-synthetic");
      IndexManifest manifest = IndexManifest.of(model.info(), VectorEncoding.INT8, ChunkerConfig.DEFAULT);
      Random random = new Random(a.seed());
      try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, manifest)) {
        long b0 = System.nanoTime();
        for (int i = 0; i < a.chunks(); i++) {
          int x = random.nextInt(docs.size());
          int y = random.nextInt(docs.size());
          String text = words(docs.get(x).text(), 0, 60) + " " + words(docs.get(y).text(), 20, 40);
          String id = "s" + i;
          Document d = Document.of(id, docs.get(x).title(), text,
              new Metadata(Map.of("year", new MetadataValue.Number(1990 + random.nextInt(35)))));
          Chunk c = new Chunk(id, 0, text, 0, text.length(), 0, List.of(), text);
          index.upsert(d, List.of(c), new float[][] {mix(base[x], base[y], random)});
        }
        index.commit();
        index.refresh();
        System.out.printf(Locale.ROOT, "built %,d chunks in %.1f s, %,d MB on disk%n", a.chunks(),
            (System.nanoTime() - b0) / 1e9, index.stats().sizeBytes() >> 20);

        List<Query> warm = ds.split("train").queries();
        List<Query> test = ds.split("test").queries();
        Searcher searcher = new Searcher(index, model);
        for (int i = 0; i < Math.min(300, warm.size()); i++) {
          searcher.search(SearchRequest.of(warm.get(i).text()));
        }
        for (SearchMode m : new SearchMode[] {SearchMode.HYBRID, SearchMode.LEXICAL, SearchMode.VECTOR}) {
          long[] nanos = new long[test.size()];
          for (int i = 0; i < test.size(); i++) {
            long t0 = System.nanoTime();
            searcher.search(SearchRequest.of(test.get(i).text()).withMode(m));
            nanos[i] = System.nanoTime() - t0;
          }
          System.out.printf(Locale.ROOT, "%-7s %s%n", m.name().toLowerCase(Locale.ROOT), new Percentiles(nanos));
        }
        float[][] qv = model.embed(test.stream().map(Query::text).toList(), InputKind.QUERY);
        double recall = 0;
        for (float[] q : qv) {
          RetrievalQuery rq = new RetrievalQuery("", q, Optional.empty());
          Set<String> exact = new HashSet<>();
          index.exactVector().retrieve(rq, 10).items().forEach(r -> exact.add(r.chunkId()));
          int found = 0;
          for (ScoredChunkRef r : index.vector().retrieve(rq, 10).items()) {
            found += exact.contains(r.chunkId()) ? 1 : 0;
          }
          recall += found / 10.0;
        }
        System.out.printf(Locale.ROOT, "ANN recall@10 vs exact (default HNSW, int8): %.4f over %d queries%n", recall / qv.length, qv.length);
      } finally {
        IngestBenchmark.deleteTree(dir);
      }
    }
    System.out.println(Machine.describe());
  }

  private static String words(String text, int skip, int count) {
    String[] w = text.split("\\s+");
    int from = Math.min(skip, Math.max(0, w.length - count));
    return String.join(" ", java.util.Arrays.copyOfRange(w, from, Math.min(w.length, from + count)));
  }

  private static float[] mix(float[] a, float[] b, Random random) {
    float[] v = new float[a.length];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (0.75 * a[i] + 0.25 * b[i] + NOISE * random.nextGaussian());
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }
}

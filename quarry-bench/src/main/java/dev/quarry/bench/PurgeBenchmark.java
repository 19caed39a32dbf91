package dev.quarry.bench;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.lucene.LuceneChunkIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * How long an erasure's purge takes on a collection of {@code --chunks} chunks (10,000 for the
 * bound docs/architecture.md states): documents of two chunks of about 1,000 characters each with
 * seeded random 384-dimension unit vectors (bge-small-en-v1.5's dimension; random vectors make
 * HNSW graphs no cheaper to rebuild than real ones), the default int8 HNSW index, committed every 32
 * documents as the server's worker does. One document is deleted and purged twice: in the
 * segments ingestion left, then after the collection is compacted into one segment (what the
 * server does to a quiet collection), where the purge rewrites the whole index.
 */
final class PurgeBenchmark {

  static final int DIMENSION = 384;
  static final int BATCH_DOCUMENTS = 32;

  private PurgeBenchmark() {}

  static void run(Bench.Args a) throws Exception {
    Path dir = a.dataDir().resolve("purge-benchmark");
    deleteTree(dir);
    EmbeddingModelInfo model = new EmbeddingModelInfo("synthetic-384", DIMENSION, 512, Similarity.DOT_PRODUCT, "", "");
    Random random = new Random(a.seed());
    int documents = Math.max(2, a.chunks() / 2);
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir,
        IndexManifest.of(model, VectorEncoding.INT8, ChunkerConfig.DEFAULT))) {
      long t0 = System.nanoTime();
      for (int i = 0; i < documents; i++) {
        String first = words(random, 150);
        Document doc = Document.of("d" + i, "", first + " " + words(random, 150), Metadata.empty());
        List<Chunk> chunks = List.of(
            new Chunk(doc.id(), 0, first, 0, first.length(), 0, List.of(), first),
            new Chunk(doc.id(), 1, doc.text().substring(first.length()), first.length(), doc.text().length(), 0,
                List.of(), doc.text().substring(first.length())));
        index.upsert(doc, chunks, new float[][] {unit(random), unit(random)});
        if (i % BATCH_DOCUMENTS == BATCH_DOCUMENTS - 1) {
          index.commit();
        }
      }
      index.commit();
      double build = seconds(t0);
      System.out.printf(Locale.ROOT, "purge: %,d chunks (%,d documents) indexed in %.1f s, %d segments, %.1f MB%n",
          index.stats().chunks(), index.stats().documents(), build, index.segments(), index.stats().sizeBytes() / 1e6);

      index.delete("d" + documents / 2);
      long t1 = System.nanoTime();
      int rounds = purge(index);
      System.out.printf(Locale.ROOT, "purge of one document, as ingestion left the index: %.2f s in %d round(s), %d segments after%n",
          seconds(t1), rounds, index.segments());

      long t2 = System.nanoTime();
      index.compact(1);
      System.out.printf(Locale.ROOT, "compacted into one segment in %.2f s%n", seconds(t2));
      index.delete("d" + (documents / 2 + 1));
      long t3 = System.nanoTime();
      rounds = purge(index);
      System.out.printf(Locale.ROOT, "purge of one document from the one segment (rewrites it whole): %.2f s in %d round(s)%n",
          seconds(t3), rounds);
    } finally {
      deleteTree(dir);
    }
    System.out.println(Machine.describe());
  }

  /**
   * Purges as the server's worker does: again a second later while something is left (a merge
   * running in the background may still be writing, or hold the deleted document); returns rounds.
   */
  private static int purge(LuceneChunkIndex index) throws InterruptedException {
    int rounds = 1;
    while (index.purgeDeleted() > 0) {
      Thread.sleep(1000);
      rounds++;
    }
    return rounds;
  }

  private static final String[] VOCABULARY = (
      "cell protein gene expression patient study clinical trial risk effect dose vitamin cancer tumour immune "
          + "response receptor signal pathway mouse model increase decrease level association cohort analysis "
          + "treatment therapy outcome mortality infection virus bacteria growth factor tissue blood pressure")
      .split(" ");

  private static String words(Random random, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : " ").append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
      if (random.nextInt(20) == 0) {
        out.append(random.nextInt(1000));
      }
    }
    return out.append('.').toString();
  }

  private static float[] unit(Random random) {
    float[] v = new float[DIMENSION];
    double norm = 0;
    for (int i = 0; i < DIMENSION; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < DIMENSION; i++) {
      v[i] *= inv;
    }
    return v;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

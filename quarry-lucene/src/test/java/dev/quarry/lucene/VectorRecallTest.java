package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.ScoredChunkRef;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approximate against exact: 10,000 seeded random unit vectors of 384 dimensions (uniform on the
 * sphere, much harder for HNSW than real embeddings) in an index with the default graph
 * ({@link HnswConfig#DEFAULT}, int8) searched at efSearch 300, 50 queries.
 */
class VectorRecallTest {

  private static final int COUNT = 10_000;
  private static final int DIM = 384;
  private static final int QUERIES = 50;
  private static final int K = 10;

  @TempDir static Path dir;

  private static LuceneChunkIndex index;
  private static float[][] vectors;
  private static float[][] queries;

  @BeforeAll
  static void build() {
    Random random = new Random(20240501);
    vectors = Fixtures.units(random, COUNT, DIM);
    queries = Fixtures.units(random, QUERIES, DIM);
    index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM));
    for (int i = 0; i < COUNT; i++) {
      Document doc = Document.of("d" + i, "", "chunk " + i, Metadata.empty());
      index.upsert(doc, Fixtures.chunks(doc), new float[][] {vectors[i]});
    }
    index.refresh();
  }

  @AfterAll
  static void close() {
    index.close();
  }

  @Test
  void exactSearchIsBruteForce() {
    for (int q = 0; q < 5; q++) {
      float[] query = queries[q];
      List<String> expected = IntStream.range(0, COUNT).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -dot(query, vectors[i])))
          .limit(K)
          .map(i -> "d" + i + "#0")
          .toList();
      RankedList exact = index.exactVector().retrieve(new RetrievalQuery("", query, Optional.empty()), K);
      assertEquals(expected, exact.items().stream().map(ScoredChunkRef::chunkId).toList());
    }
  }

  @Test
  void approximateRecallAtTenIsAtLeastNinetyFivePercentOnUniformVectorsAtEfSearch300() {
    int found = 0;
    for (float[] query : queries) {
      RetrievalQuery q = new RetrievalQuery("", query, Optional.empty());
      RankedList exact = index.exactVector().retrieve(q, K);
      Map<String, Float> truth = new HashMap<>();
      exact.items().forEach(ref -> truth.put(ref.chunkId(), ref.score()));
      // uniform vectors are the hardest case for HNSW: they need efSearch 300 (the default 100 is
      // for embedding-like data, measured by `quarry bench synthetic`)
      for (ScoredChunkRef hit : index.vector(300).retrieve(q, K).items()) {
        if (truth.containsKey(hit.chunkId())) {
          found++;
          assertEquals(truth.get(hit.chunkId()), hit.score(), "int8 candidates are rescored with the raw floats");
        }
      }
    }
    double recall = found / (double) (QUERIES * K);
    System.out.printf("recall@%d over %d random %d-d vectors, %d queries: %.3f%n", K, COUNT, DIM, QUERIES, recall);
    assertTrue(recall >= 0.95, "recall@10 was " + recall);
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}

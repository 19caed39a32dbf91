package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.index.StoredVector;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LuceneChunkIndex#vectors}, which vector pseudo-relevance feedback reads: each chunk's
 * vector exactly as it was indexed (unit vectors in a dot-product index are stored unchanged), in
 * the order asked, unknown and deleted chunks left out. 20 documents of two chunks each, int8 HNSW.
 */
class StoredVectorsTest {

  private static final int DOCS = 20;
  private static final int DIM = 16;

  @TempDir static Path dir;

  private static LuceneChunkIndex index;
  private static float[][] vectors;

  @BeforeAll
  static void build() {
    index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM));
    vectors = Fixtures.units(new Random(5), 2 * DOCS, DIM);
    for (int i = 0; i < DOCS; i++) {
      String first = "first part of document " + i + ". ";
      Document doc = Document.of("doc-" + i, "", first + "second part", Metadata.empty());
      index.upsert(doc, Fixtures.chunks(doc, first.length()), new float[][] {vectors[2 * i], vectors[2 * i + 1]});
    }
    index.refresh();
  }

  @AfterAll
  static void close() {
    index.close();
  }

  @Test
  void aChunksVectorIsTheOneIndexedInTheOrderAsked() {
    List<StoredVector> got = index.vectors(List.of("doc-7#1", "doc-0#0", "doc-19#1", "doc-7#0"));
    assertEquals(List.of("doc-7#1", "doc-0#0", "doc-19#1", "doc-7#0"), got.stream().map(StoredVector::chunkId).toList());
    assertArrayEquals(vectors[15], got.get(0).vector());
    assertArrayEquals(vectors[0], got.get(1).vector());
    assertArrayEquals(vectors[39], got.get(2).vector());
    assertArrayEquals(vectors[14], got.get(3).vector());
  }

  @Test
  void unknownAndDeletedChunksAreLeftOut() {
    index.delete("doc-3");
    index.refresh();
    List<StoredVector> got = index.vectors(List.of("doc-3#0", "nope#0", "doc-4#1", "doc-4"));
    assertEquals(List.of("doc-4#1"), got.stream().map(StoredVector::chunkId).toList());
    assertArrayEquals(vectors[9], got.getFirst().vector());
    assertEquals(List.of(), index.vectors(List.of()));
  }

  @Test
  void theVectorReturnedIsACopy() {
    index.vectors(List.of("doc-5#0")).getFirst().vector()[0] = 42f;
    assertArrayEquals(vectors[10], index.vectors(List.of("doc-5#0")).getFirst().vector());
  }
}

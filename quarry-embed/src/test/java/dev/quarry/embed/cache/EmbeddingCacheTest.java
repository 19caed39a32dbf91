package dev.quarry.embed.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

  static final EmbeddingModelInfo MODEL_A = new EmbeddingModelInfo("model-a", 4, 512, Similarity.DOT_PRODUCT, "q: ", "");
  static final EmbeddingModelInfo MODEL_B = new EmbeddingModelInfo("model-b", 4, 512, Similarity.DOT_PRODUCT, "", "");

  @TempDir Path dir;

  static float[] vector(float seed) {
    return new float[] {seed, seed + 1, -seed, 0.5f};
  }

  @Test
  void storedVectorsAreFoundAgainAfterReopening() {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertTrue(cache.get(InputKind.DOCUMENT, "alpha").isEmpty());
      cache.put(InputKind.DOCUMENT, "alpha", vector(1));
      cache.put(InputKind.DOCUMENT, "beta", vector(2));
      assertArrayEquals(vector(1), cache.get(InputKind.DOCUMENT, "alpha").orElseThrow());
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertArrayEquals(vector(1), cache.get(InputKind.DOCUMENT, "alpha").orElseThrow());
      assertArrayEquals(vector(2), cache.get(InputKind.DOCUMENT, "beta").orElseThrow());
      assertTrue(cache.get(InputKind.DOCUMENT, "gamma").isEmpty());
      assertEquals(new CacheStats(2, 1, 2), cache.stats());
    }
  }

  /** Issue 7, item 24: an erased text's vector must leave the file, not only the cache's map. */
  @Test
  void clearRemovesEveryVectorFromTheFileAndTheCacheKeepsWorking() throws IOException {
    float[] erased = {0.123f, -4.5678f, 9.0001f, 0.5f};
    byte[] erasedBytes = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putFloat(erased[0]).putFloat(erased[1]).putFloat(erased[2]).putFloat(erased[3]).array();
    Path file;
    long empty;
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      file = cache.file();
      empty = Files.size(file);
      cache.put(InputKind.DOCUMENT, "a person's note", erased);
      cache.put(InputKind.DOCUMENT, "another note", vector(2));
      cache.flush();
      assertTrue(contains(Files.readAllBytes(file), erasedBytes), "the vector is in the file");

      assertEquals(2, cache.clear());
      assertEquals(empty, Files.size(file), "cut back to the header");
      assertFalse(contains(Files.readAllBytes(file), erasedBytes));
      assertTrue(cache.get(InputKind.DOCUMENT, "a person's note").isEmpty());
      cache.put(InputKind.DOCUMENT, "a later note", vector(3));
      assertArrayEquals(vector(3), cache.get(InputKind.DOCUMENT, "a later note").orElseThrow());
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertEquals(1, cache.stats().entries());
      assertTrue(cache.get(InputKind.DOCUMENT, "another note").isEmpty());
      assertArrayEquals(vector(3), cache.get(InputKind.DOCUMENT, "a later note").orElseThrow());
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void queryAndDocumentVectorsOfTheSameTextAreSeparate() {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      cache.put(InputKind.DOCUMENT, "same text", vector(1));
      assertTrue(cache.get(InputKind.QUERY, "same text").isEmpty());
      cache.put(InputKind.QUERY, "same text", vector(7));
      assertArrayEquals(vector(1), cache.get(InputKind.DOCUMENT, "same text").orElseThrow());
      assertArrayEquals(vector(7), cache.get(InputKind.QUERY, "same text").orElseThrow());
    }
  }

  @Test
  void differentModelsNeverShareEntries() {
    try (EmbeddingCache a = EmbeddingCache.open(dir, MODEL_A);
        EmbeddingCache b = EmbeddingCache.open(dir, MODEL_B)) {
      a.put(InputKind.DOCUMENT, "shared text", vector(1));
      assertTrue(b.get(InputKind.DOCUMENT, "shared text").isEmpty());
      assertFalse(a.file().equals(b.file()));
    }
    try (EmbeddingCache b = EmbeddingCache.open(dir, MODEL_B)) {
      assertTrue(b.get(InputKind.DOCUMENT, "shared text").isEmpty());
      assertEquals(0, b.stats().entries());
    }
  }

  @Test
  void tornTailWriteIsDroppedAndLaterWritesSurvive() throws IOException {
    Path file;
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      cache.put(InputKind.DOCUMENT, "kept", vector(1));
      cache.put(InputKind.DOCUMENT, "torn", vector(2));
      file = cache.file();
    }
    long size = Files.size(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size - 5); // a crash in the middle of the last record
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertArrayEquals(vector(1), cache.get(InputKind.DOCUMENT, "kept").orElseThrow());
      assertTrue(cache.get(InputKind.DOCUMENT, "torn").isEmpty());
      cache.put(InputKind.DOCUMENT, "after", vector(3));
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertEquals(2, cache.stats().entries());
      assertArrayEquals(vector(3), cache.get(InputKind.DOCUMENT, "after").orElseThrow());
    }
  }

  @Test
  void corruptLastRecordFailsItsChecksumAndIsDropped() throws IOException {
    Path file;
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      cache.put(InputKind.DOCUMENT, "kept", vector(1));
      cache.put(InputKind.DOCUMENT, "corrupt", vector(2));
      file = cache.file();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(Files.size(file) - 10);
      raf.write(0x7f);
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertEquals(1, cache.stats().entries());
      assertTrue(cache.get(InputKind.DOCUMENT, "kept").isPresent());
    }
  }

  @Test
  void garbageWhereTheHeaderShouldBeStartsAnEmptyCache() throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("model-a.emb-v1"), new byte[] {1, 2, 3}, StandardOpenOption.CREATE);
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertEquals(0, cache.stats().entries());
      cache.put(InputKind.QUERY, "q", vector(1));
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertEquals(1, cache.stats().entries());
    }
  }

  @Test
  void aFileOfTheSameIdWithAnotherDimensionIsRefused() {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      cache.put(InputKind.QUERY, "q", vector(1));
    }
    EmbeddingModelInfo wider = new EmbeddingModelInfo("model-a", 8, 512, Similarity.DOT_PRODUCT, "", "");
    StorageException e = assertThrows(StorageException.class, () -> EmbeddingCache.open(dir, wider));
    assertTrue(
        e.getMessage().contains("holds format version 1 vectors of model 'model-a' with 4 dimensions, not model 'model-a' with 8 dimensions"),
        e.getMessage());
  }

  @Test
  void aSecondOpenOfTheSameCacheIsRefusedWhileTheFirstIsOpen() {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      StorageException e = assertThrows(StorageException.class, () -> EmbeddingCache.open(dir, MODEL_A));
      assertTrue(e.getMessage().endsWith("is already open (in this or another process)"), e.getMessage());
      assertTrue(cache.get(InputKind.QUERY, "x").isEmpty());
    }
  }

  @Test
  void wrongVectorLengthIsRejected() {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> cache.put(InputKind.QUERY, "x", new float[3]));
      assertEquals("vector for model 'model-a' must have 4 floats, got: 3", e.getMessage());
    }
  }

  @Test
  void unsafeModelIdsGetAHashedFileName() {
    assertEquals("bge-small-en-v1.5-q.emb-v1", EmbeddingCache.fileName("bge-small-en-v1.5-q"));
    String hashed = EmbeddingCache.fileName("openai/text-embedding-3-small");
    assertTrue(hashed.matches("model-[0-9a-f]{32}\\.emb-v1"), hashed);
  }

  @Test
  void concurrentWritersAndReadersLoseNothing() throws Exception {
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A);
        ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 250; i++) {
            String text = "t" + thread + "-" + i;
            cache.put(InputKind.DOCUMENT, text, vector(i));
            assertArrayEquals(vector(i), cache.get(InputKind.DOCUMENT, text).orElseThrow());
          }
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir, MODEL_A)) {
      assertEquals(1000, cache.stats().entries());
      assertArrayEquals(vector(249), cache.get(InputKind.DOCUMENT, "t3-249").orElseThrow());
    }
  }
}

package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistent cache of passage vectors (issue 7, item 24): one per collection, emptied by a
 * purge so an erased document's vectors leave the disk, and gone with its collection.
 */
class PassageCacheTest {

  /** A cache record starts with the input kind (1 byte) and the SHA-256 of the text (32 bytes). */
  private static final int KIND_AND_HASH = 1 + 32;

  @TempDir Path data;
  @TempDir Path sources;

  private int ingests;

  private void ingest(Quarry quarry, Collection c, String name, String text) throws IOException {
    Path dir = Files.createDirectories(sources.resolve("batch" + ingests++));
    Files.writeString(dir.resolve(name), text);
    assertEquals(1, c.ingest(quarry.files(dir), ProgressListener.NONE).indexed());
  }

  private Path cacheFile(String collection) throws IOException {
    try (Stream<Path> files = Files.list(data.resolve("cache").resolve("embeddings").resolve(collection))) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), all.toString());
      return all.get(0);
    }
  }

  @Test
  void aPurgeRemovesADeletedDocumentsVectorAndTextHashFromEveryFile() throws IOException {
    try (Quarry quarry = Quarry.open(EngineConfig.defaults(data))) {
      Collection c = quarry.openOrCreate("people", Optional.empty());
      Path cache = cacheFile("people");
      int header = (int) Files.size(cache);
      ingest(quarry, c, "alice.txt", "Alice's private note about the lighthouse keeper and her cat.");
      byte[] bytes = Files.readAllBytes(cache);
      byte[] hash = Arrays.copyOfRange(bytes, header + 1, header + KIND_AND_HASH);
      byte[] vector = Arrays.copyOfRange(bytes, header + KIND_AND_HASH, header + KIND_AND_HASH + 64);
      ingest(quarry, c, "bob.txt", "Bob's note about tides and the moon.");
      assertTrue(inSomeFile(vector) && inSomeFile(hash), "cached before the purge");

      assertTrue(c.delete("alice.txt"));
      assertEquals(0, c.purgeDeleted());
      assertFalse(inSomeFile(vector), "the vector's bytes are in no file of the data directory");
      assertFalse(inSomeFile(hash), "nor is the hash of its text, which would confirm the text was ingested");
      assertEquals(header, Files.size(cache));

      ingest(quarry, c, "carol.txt", "Carol's note about sourdough bread.");
      assertTrue(Files.size(cache) > header, "the cache fills again after a purge");
      assertEquals(2, c.stats().documents());
    }
  }

  @Test
  void collectionsDoNotShareCachedVectorsAndACacheGoesWithItsCollection() throws IOException {
    try (Quarry quarry = Quarry.open(EngineConfig.defaults(data))) {
      Collection a = quarry.openOrCreate("tenant-a", Optional.empty());
      Collection b = quarry.openOrCreate("tenant-b", Optional.empty());
      long empty = Files.size(cacheFile("tenant-a"));
      ingest(quarry, a, "note.txt", "The same sentence ingested by two tenants.");
      assertEquals(empty, Files.size(cacheFile("tenant-b")), "b's cache does not hold a's vectors");
      ingest(quarry, b, "note.txt", "The same sentence ingested by two tenants.");
      long filled = Files.size(cacheFile("tenant-a"));
      assertTrue(filled > empty);
      assertEquals(filled, Files.size(cacheFile("tenant-b")), "b embedded the text itself");

      assertTrue(quarry.drop("tenant-a"));
      assertFalse(Files.exists(data.resolve("cache").resolve("embeddings").resolve("tenant-a")));
      assertEquals(filled, Files.size(cacheFile("tenant-b")));
    }
  }

  @Test
  void theCacheEarlierVersionsSharedBetweenCollectionsIsDeletedAtStart() throws IOException {
    Path shared = data.resolve("cache").resolve("embeddings").resolve("bge-small-en-v1.5-q.emb-v1");
    Files.createDirectories(shared.getParent());
    Files.writeString(shared, "vectors of every tenant's texts");
    Quarry.open(EngineConfig.defaults(data)).close();
    assertFalse(Files.exists(shared));
  }

  private boolean inSomeFile(byte[] needle) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}

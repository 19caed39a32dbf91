package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFileTest {

  @TempDir Path dir;

  @Test
  void writesAndReadsBackTheManifestAndHnswSettings() throws IOException {
    ManifestFile file = new ManifestFile(Fixtures.manifest(384), new HnswConfig(24, 150, 300));
    file.write(dir);
    assertEquals(file, ManifestFile.read(dir));
    String json = Files.readString(dir.resolve("manifest.json"));
    assertTrue(json.contains("\"vectorFormat\" : \"" + VectorCodec.INT8_FORMAT + "\""), json);
    assertTrue(json.contains("\"analyzer\" : \"english-porter\""), json);
    assertFalse(Files.exists(dir.resolve("manifest.json.tmp")));
  }

  @Test
  void aDamagedManifestIsAStorageErrorNamingTheFile() throws IOException {
    new ManifestFile(Fixtures.manifest(8), HnswConfig.DEFAULT).write(dir);
    Path path = dir.resolve("manifest.json");
    Files.writeString(path, Files.readString(path).replace("\"dimension\"", "\"dimensions\""));
    StorageException missing = assertThrows(StorageException.class, () -> ManifestFile.read(dir));
    assertEquals(path + " is missing 'dimension'", missing.getMessage());

    Files.writeString(path, "{ not json");
    assertThrows(StorageException.class, () -> ManifestFile.read(dir));
  }

  @Test
  void sameManifestsPassAndDifferentOnesListEveryDifference() {
    IndexManifest saved = Fixtures.manifest(8);
    ManifestFile.requireSame(dir, saved, Fixtures.manifest(8));
    IndexManifest other = new IndexManifest(IndexManifest.CURRENT_FORMAT, "test-embedder", 8, Similarity.COSINE,
        VectorEncoding.INT8, ChunkerConfig.DEFAULT);
    ConflictException e = assertThrows(ConflictException.class, () -> ManifestFile.requireSame(dir, saved, other));
    assertEquals("index at " + dir + " was built differently than requested (index vs requested): "
        + "similarity DOT_PRODUCT vs COSINE; open it with its own settings or build a new collection", e.getMessage());
  }
}

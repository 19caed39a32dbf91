package dev.quarry.lucene;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code manifest.json} beside the Lucene files: the core {@link IndexManifest} (how chunks and
 * vectors were made) plus how Lucene stores them (vector format, HNSW parameters, analyzer, BM25
 * parameters). Written once at creation, atomically (temporary file, fsync, rename).
 */
record ManifestFile(IndexManifest manifest, HnswConfig hnsw) {

  static final String NAME = "manifest.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  ManifestFile {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(hnsw, "hnsw");
  }

  static Path path(Path dir) {
    return dir.resolve(NAME);
  }

  static boolean exists(Path dir) {
    return Files.isRegularFile(path(dir));
  }

  void write(Path dir) {
    ObjectNode root = JSON.createObjectNode();
    root.put("formatVersion", manifest.formatVersion());
    root.put("embedderId", manifest.embedderId());
    root.put("dimension", manifest.dimension());
    root.put("similarity", manifest.similarity().name());
    root.put("vectorEncoding", manifest.vectorEncoding().name());
    ObjectNode chunker = root.putObject("chunker");
    chunker.put("strategy", manifest.chunker().strategy().name());
    chunker.put("maxTokens", manifest.chunker().maxTokens());
    chunker.put("overlapTokens", manifest.chunker().overlapTokens());
    ObjectNode lucene = root.putObject("lucene");
    lucene.put("version", org.apache.lucene.util.Version.LATEST.toString());
    lucene.put("vectorFormat", VectorCodec.formatName(manifest.vectorEncoding()));
    lucene.put("vectorSimilarity", "DOT_PRODUCT");
    lucene.put("hnswMaxConn", hnsw.maxConn());
    lucene.put("hnswBeamWidth", hnsw.beamWidth());
    lucene.put("efSearch", hnsw.efSearch());
    lucene.put("analyzer", LexicalAnalysis.ANALYZER_NAME);
    lucene.put("bm25K1", LexicalAnalysis.BM25_K1);
    lucene.put("bm25B", LexicalAnalysis.BM25_B);
    Path target = path(dir);
    Path temp = dir.resolve(NAME + ".tmp");
    try {
      byte[] bytes = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StorageException("could not write " + target + ": " + e.getMessage(), e);
    }
  }

  static ManifestFile read(Path dir) {
    Path file = path(dir);
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new StorageException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new StorageException("could not read " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonNode chunker = required(file, root, "chunker");
      JsonNode lucene = required(file, root, "lucene");
      IndexManifest manifest = new IndexManifest(
          required(file, root, "formatVersion").asInt(),
          required(file, root, "embedderId").asText(),
          required(file, root, "dimension").asInt(),
          Similarity.valueOf(required(file, root, "similarity").asText()),
          VectorEncoding.valueOf(required(file, root, "vectorEncoding").asText()),
          new ChunkerConfig(
              ChunkingStrategy.valueOf(required(file, chunker, "strategy").asText()),
              required(file, chunker, "maxTokens").asInt(),
              required(file, chunker, "overlapTokens").asInt()));
      HnswConfig hnsw = new HnswConfig(
          required(file, lucene, "hnswMaxConn").asInt(),
          required(file, lucene, "hnswBeamWidth").asInt(),
          required(file, lucene, "efSearch").asInt());
      return new ManifestFile(manifest, hnsw);
    } catch (IllegalArgumentException e) {
      throw new StorageException(file + " holds an invalid value: " + e.getMessage(), e);
    }
  }

  private static JsonNode required(Path file, JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new StorageException(file + " is missing '" + key + "'");
    }
    return value;
  }

  /**
   * Throws {@link ConflictException} listing every way {@code expected} differs from the manifest
   * the index at {@code dir} was built with.
   */
  static void requireSame(Path dir, IndexManifest saved, IndexManifest expected) {
    List<String> differences = new ArrayList<>();
    if (saved.formatVersion() != expected.formatVersion()) {
      differences.add("format version " + saved.formatVersion() + " vs " + expected.formatVersion());
    }
    if (!saved.embedderId().equals(expected.embedderId())) {
      differences.add("embedder '" + saved.embedderId() + "' vs '" + expected.embedderId() + "'");
    }
    if (saved.dimension() != expected.dimension()) {
      differences.add("dimension " + saved.dimension() + " vs " + expected.dimension());
    }
    if (saved.similarity() != expected.similarity()) {
      differences.add("similarity " + saved.similarity() + " vs " + expected.similarity());
    }
    if (saved.vectorEncoding() != expected.vectorEncoding()) {
      differences.add(
          "vector encoding " + saved.vectorEncoding() + " vs " + expected.vectorEncoding());
    }
    if (!saved.chunker().equals(expected.chunker())) {
      differences.add(
          "chunker " + saved.chunker().describe() + " vs " + expected.chunker().describe());
    }
    if (!differences.isEmpty()) {
      throw new ConflictException(
          "index at " + dir + " was built differently than requested (index vs requested): "
              + String.join("; ", differences)
              + "; open it with its own settings or build a new collection");
    }
  }
}

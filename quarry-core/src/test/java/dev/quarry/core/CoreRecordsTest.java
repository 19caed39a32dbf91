package dev.quarry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.document.PageSpan;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.core.search.SearchRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreRecordsTest {

  @Test
  void contentHashChangesWithTitleTextOrMetadataOnly() {
    Document a = Document.of("d", "T", "text", new Metadata(Map.of("k", new MetadataValue.Text("v"))));
    assertEquals(a.contentHash(), Document.of("d", "T", "text", new Metadata(Map.of("k", new MetadataValue.Text("v")))).contentHash());
    assertNotEquals(a.contentHash(), Document.of("d", "T2", "text", a.metadata()).contentHash());
    assertNotEquals(a.contentHash(), Document.of("d", "T", "text", Metadata.empty()).contentHash());
    // field boundaries are part of the hash: "ab" + "c" differs from "a" + "bc"
    assertNotEquals(Document.of("d", "ab", "c", null).contentHash(), Document.of("d", "a", "bc", null).contentHash());
  }

  @Test
  void pageAtFindsThePageOfAnOffset() {
    Document d = new Document("d", "", "page one\n\npage two", null, List.of(),
        List.of(new PageSpan(1, 0, 8), new PageSpan(2, 10, 18)), "f.pdf");
    assertEquals(1, d.pageAt(3));
    assertEquals(2, d.pageAt(12));
  }

  @Test
  void chunkOffsetsMustMatchItsText() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Chunk("d", 0, "abc", 0, 5, 0, List.of(), "abc"));
    assertEquals("chunk offsets [0, 5) do not match text length 3", e.getMessage());
  }

  @Test
  void filterDepthCountsNesting() {
    Filter leaf = new Filter.Term("a", "b");
    assertEquals(1, leaf.depth());
    assertEquals(3, new Filter.AllOf(List.of(leaf, new Filter.AnyOf(List.of(leaf)))).depth());
    assertThrows(IllegalArgumentException.class, () -> new Filter.Range("x",
        new MetadataValue.Number(1), new MetadataValue.Date(java.time.Instant.EPOCH), true, true));
  }

  @Test
  void searchRequestBoundsAreExplicit() {
    var e = assertThrows(IllegalArgumentException.class, () -> SearchRequest.of("q").withK(0));
    assertEquals("k must be in 1..1000, got: 0", e.getMessage());
    assertEquals(100, SearchRequest.of("q").candidates());
  }

  @Test
  void manifestRefusesAnotherEmbedderWithTheReason() {
    var bge = new EmbeddingModelInfo("bge", 384, 512, Similarity.DOT_PRODUCT, "", "");
    var other = new EmbeddingModelInfo("minilm", 384, 512, Similarity.DOT_PRODUCT, "", "");
    var manifest = IndexManifest.of(bge, VectorEncoding.INT8, new ChunkerConfig(ChunkingStrategy.RECURSIVE, 512, 0));
    manifest.requireCompatible(bge);
    var e = assertThrows(ConflictException.class, () -> manifest.requireCompatible(other));
    assertEquals("index was built with embedder 'bge' but 'minilm' was given; use the same embedder or a new collection",
        e.getMessage());
  }
}

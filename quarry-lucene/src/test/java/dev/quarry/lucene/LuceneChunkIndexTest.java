package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.Chunk;
import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.document.PageSpan;
import dev.quarry.core.embed.EmbeddingModelInfo;
import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.IndexManifest;
import dev.quarry.core.index.IndexStats;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.ScoredChunkRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneChunkIndexTest {

  private static final int DIM = 8;

  @TempDir Path dir;

  private final Random random = new Random(42);

  private static final Metadata METADATA = new Metadata(Map.of(
      "lang", new MetadataValue.Text("en"),
      "year", new MetadataValue.Number(2024),
      "published", new MetadataValue.Date(Instant.parse("2024-05-01T10:15:30.123456Z")),
      "tags", new MetadataValue.TextList(List.of("search", "lucene"))));

  private static Document guide(String text) {
    return new Document("guide", "Lucene Guide", text, METADATA,
        List.of(new Heading(1, "Indexing", 0)), List.of(new PageSpan(1, 0, 20), new PageSpan(2, 20, text.length())), "guide.md");
  }

  private static RetrievalQuery text(String q) {
    return new RetrievalQuery(q, null, Optional.empty());
  }

  private static RetrievalQuery vector(float[] v) {
    return new RetrievalQuery("", v, Optional.empty());
  }

  private static List<String> ids(RankedList list) {
    return list.items().stream().map(ScoredChunkRef::chunkId).toList();
  }

  @Test
  void roundTripFindsChunksLexicallyAndByVectorAndLoadsEveryField() {
    Document doc = guide("Segments are merged in the background. Vectors live in an HNSW graph.");
    List<Chunk> chunks = List.of(
        Fixtures.chunk(doc, 0, 0, 38, 1, List.of("Indexing")),
        Fixtures.chunk(doc, 1, 39, doc.text().length(), 2, List.of("Indexing", "Vectors")));
    float[][] vectors = Fixtures.units(random, 2, DIM);
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      index.upsert(doc, chunks, vectors);
      long generation = index.refresh();

      RankedList lexical = index.lexical().retrieve(text("how are segments merged"), 5);
      assertEquals(List.of("guide#0"), ids(lexical));
      assertEquals("guide", lexical.items().getFirst().documentId());
      assertEquals(generation, lexical.generation());
      assertEquals("lexical", lexical.retriever());

      RankedList byVector = index.vector().retrieve(vector(vectors[1]), 1);
      assertEquals(List.of("guide#1"), ids(byVector));
      assertEquals(1.0f, byVector.items().getFirst().score(), 1e-5, "score is the dot product");
      assertEquals(generation, byVector.generation());

      List<StoredChunk> loaded = index.load(List.of("guide#1", "missing#0", "guide#0"));
      assertEquals(2, loaded.size());
      StoredChunk second = loaded.getFirst();
      assertEquals(new StoredChunk("guide#1", "guide", 1, "Lucene Guide", "Vectors live in an HNSW graph.",
          39, doc.text().length(), 2, List.of("Indexing", "Vectors"), METADATA), second);
      assertEquals(METADATA, loaded.get(1).metadata(), "typed metadata, dates to the nanosecond");
      assertEquals(1, loaded.get(1).page());
    }
  }

  @Test
  void aReadOnlyHandleReadsBesideTheWriterSeesItsCommitsAndRefusesEveryWrite() {
    Document doc = guide("Segments are merged in the background. Vectors live in an HNSW graph.");
    List<Chunk> chunks = List.of(Fixtures.chunk(doc, 0, 0, doc.text().length(), 1, List.of()));
    float[][] vectors = Fixtures.units(random, 1, DIM);
    try (LuceneChunkIndex writer = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      writer.upsert(doc, chunks, vectors);
      writer.commit();
      ConflictException locked = assertThrows(ConflictException.class, () -> LuceneChunkIndex.open(dir));
      assertTrue(locked.getMessage().contains("already open by another writer"), locked.getMessage());
      try (LuceneChunkIndex reader = LuceneChunkIndex.openReadOnly(dir)) {
        assertTrue(reader.readOnly());
        assertEquals(Fixtures.manifest(DIM), reader.manifest());
        assertEquals(List.of("guide#0"), ids(reader.lexical().retrieve(text("segments merged"), 5)));
        assertEquals(1, reader.stats().documents());

        Document other = new Document("other", "Other", "Herons wade in the marsh.", Metadata.empty(), List.of(),
            List.of(), "other.txt");
        writer.upsert(other, List.of(Fixtures.chunk(other, 0, 0, other.text().length(), 0, List.of())),
            Fixtures.units(random, 1, DIM));
        writer.refresh();
        reader.refresh();
        assertEquals(List.of(), ids(reader.lexical().retrieve(text("herons"), 5)), "not committed yet");
        writer.commit();
        reader.refresh();
        assertEquals(List.of("other#0"), ids(reader.lexical().retrieve(text("herons"), 5)), "the writer's commit");

        for (org.junit.jupiter.api.function.Executable write : List.<org.junit.jupiter.api.function.Executable>of(
            () -> reader.upsert(doc, chunks, vectors),
            () -> reader.delete("guide"),
            () -> reader.delete("missing"),
            reader::commit,
            () -> reader.compact(1),
            reader::purgeDeleted)) {
          ConflictException e = assertThrows(ConflictException.class, write);
          assertTrue(e.getMessage().contains("is open read-only"), e.getMessage());
        }
      }
      assertEquals(2, writer.stats().documents(), "the writer is unaffected");
    }
  }

  @Test
  void titleIsSearchableAndQueriesAreStemmed() {
    Document doc = Document.of("d1", "Quarterly Reports", "The runner was running past the runners.", Metadata.empty());
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      index.upsert(doc, Fixtures.chunks(doc), Fixtures.units(random, 1, DIM));
      index.refresh();
      assertEquals(List.of("d1#0"), ids(index.lexical().retrieve(text("quarterly report"), 3)));
      assertEquals(List.of("d1#0"), ids(index.lexical().retrieve(text("runs"), 3)));
    }
  }

  @Test
  void queriesWithoutTermsReturnNothingAndQuerySyntaxIsNotParsed() {
    Document doc = Document.of("d1", "", "title: AND (foo OR bar) \"quoted\" * ? ~ [a TO b]", Metadata.empty());
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      index.upsert(doc, Fixtures.chunks(doc), Fixtures.units(random, 1, DIM));
      index.refresh();
      for (String q : List.of("", "   ", "the and of", "?!*~", "\"")) {
        RankedList result = index.lexical().retrieve(text(q), 10);
        assertTrue(result.items().isEmpty(), "no terms in '" + q + "'");
      }
      assertEquals(List.of("d1#0"), ids(index.lexical().retrieve(text("title:foo AND (bar"), 10)));
    }
  }

  @Test
  void reupsertWithFewerChunksRemovesTheStaleOnes() {
    Document v1 = Document.of("d", "", "alpha one. alpha two. alpha three.", Metadata.empty());
    Document v2 = Document.of("d", "", "alpha four.", Metadata.empty());
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      index.upsert(v1, Fixtures.chunks(v1, 11, 22), Fixtures.units(random, 3, DIM));
      index.refresh();
      assertEquals(3, index.lexical().retrieve(text("alpha"), 10).items().size());

      index.upsert(v2, Fixtures.chunks(v2), Fixtures.units(random, 1, DIM));
      index.refresh();
      assertEquals(List.of("d#0"), ids(index.lexical().retrieve(text("alpha"), 10)));
      assertEquals(List.of("alpha four."), index.load(List.of("d#0", "d#1", "d#2")).stream().map(StoredChunk::text).toList());
      assertEquals(1, index.exactVector().retrieve(vector(Fixtures.unit(random, DIM)), 10).items().size());
      IndexStats stats = index.stats();
      assertEquals(1, stats.documents());
      assertEquals(1, stats.chunks());
      assertTrue(stats.sizeBytes() > 0);
    }
  }

  @Test
  void deleteRemovesEveryChunkAndSaysWhetherTheDocumentExisted() {
    Document doc = Document.of("d", "", "alpha one. alpha two.", Metadata.empty());
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      index.upsert(doc, Fixtures.chunks(doc, 11), Fixtures.units(random, 2, DIM));
      index.refresh();
      assertTrue(index.delete("d"));
      assertFalse(index.delete("d"), "already deleted, even before a refresh");
      assertFalse(index.delete("never-indexed"));
      index.refresh();
      assertTrue(index.lexical().retrieve(text("alpha"), 10).items().isEmpty());
      assertTrue(index.vector().retrieve(vector(Fixtures.unit(random, DIM)), 10).items().isEmpty());
      assertTrue(index.load(List.of("d#0", "d#1")).isEmpty());
      assertEquals(Optional.empty(), index.contentHash("d"));
      assertEquals(0, index.stats().chunks());
      assertEquals(0, index.stats().documents());
    }
  }

  @Test
  void documentIdsMatchAFilterAndPurgeRemovesDeletedDataFromTheFiles() throws IOException {
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      for (int i = 0; i < 8; i++) {
        String subject = i == 0 ? "alice" : i % 2 == 0 ? "carol" : "bob";
        Metadata m = new Metadata(Map.of("subject", new MetadataValue.Text(subject)));
        Document doc = Document.of("d" + i, "", "zebracorn" + i + " text. more text.", m);
        index.upsert(doc, Fixtures.chunks(doc, 13), Fixtures.units(random, 2, DIM));
      }
      index.commit();
      assertEquals(List.of("d2", "d4", "d6"), index.documentIds(new Filter.Term("subject", "carol"), 100));
      assertEquals(List.of("d1", "d3"), index.documentIds(new Filter.Term("subject", "bob"), 2));
      // one document of eight: few enough deletes that no merge reclaims them by itself
      Filter alice = new Filter.Term("subject", "alice");
      assertEquals(List.of("d0"), index.documentIds(alice, 100));
      assertTrue(index.delete("d0"));
      index.commit();
      assertEquals(List.of(), index.documentIds(alice, 100));
      assertTrue(termInFiles("zebracorn0"), "a delete only hides: the term is still in the files");

      assertEquals(0, index.purgeDeleted());
      assertFalse(termInFiles("zebracorn0"), "purged: gone from every segment");
      assertTrue(termInFiles("zebracorn1"), "other documents are kept");
      assertEquals(7, index.stats().documents());
    }
  }

  /**
   * Issue 7, item 4: one erased document in a collection of SciFact's size was never purged, since
   * Lucene's merge policy only rewrites a segment for its deletes above 10% of it.
   */
  @Test
  void purgeRemovesOneDocumentOfTenThousandChunksFromTheFiles() throws IOException {
    int dim = 32;
    String marker = "qzxvw7erasedmarker";
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(dim))) {
      for (int i = 0; i < 5_000; i++) {
        String text = (i == 2_500 ? marker : "common" + i) + " words about topic " + (i % 97) + ". Second part of note " + i + ".";
        Document doc = Document.of("d" + i, "", text, Metadata.empty());
        index.upsert(doc, Fixtures.chunks(doc, text.indexOf('.') + 1), Fixtures.units(random, 2, dim));
        if (i % 1_000 == 999) {
          index.commit(); // several segments, as the server's batch commits leave them
        }
      }
      assertEquals(10_000, index.stats().chunks());
      assertTrue(index.segments() > 1, "segments: " + index.segments());
      assertTrue(index.delete("d2500"));
      index.commit();
      assertTrue(bytesInFiles(marker), "a delete only hides: the text is still in the files");

      assertEquals(0, index.purgeDeleted());
      assertFalse(bytesInFiles(marker), "purged: the text is in no file of the index");
      assertEquals(4_999, index.stats().documents());
      assertEquals(9_998, index.stats().chunks());
      assertEquals(List.of("d2501#0"), ids(index.lexical().retrieve(text("common2501"), 10)));
      assertEquals(0, index.purgeDeleted(), "nothing left: a second purge is a no-op");
    }
  }

  /** Whether any file in the index directory holds {@code text}'s UTF-8 bytes. */
  private boolean bytesInFiles(String text) throws IOException {
    byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  void compactMergesIntoOneSegmentAndKeepsEveryDocumentSearchable() {
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      for (int i = 0; i < 6; i++) {
        Document doc = Document.of("d" + i, "", "walrus" + i + " colony. more text.", Metadata.empty());
        index.upsert(doc, Fixtures.chunks(doc, 14), Fixtures.units(random, 2, DIM));
        index.commit(); // one segment per commit
      }
      assertTrue(index.segments() > 1, "segments before: " + index.segments());
      index.compact(1);
      assertEquals(1, index.segments());
      assertEquals(6, index.stats().documents());
      assertEquals(List.of("d3#0"), ids(index.lexical().retrieve(text("walrus3"), 10)));
      assertEquals(12, index.vector().retrieve(vector(Fixtures.unit(random, DIM)), 100).items().size());
    }
  }

  /** Whether any segment of the committed index still holds {@code term} in its text field dictionary. */
  private boolean termInFiles(String term) throws IOException {
    try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(dir);
        org.apache.lucene.index.DirectoryReader reader = org.apache.lucene.index.DirectoryReader.open(d)) {
      for (org.apache.lucene.index.LeafReaderContext leaf : reader.leaves()) {
        for (org.apache.lucene.index.FieldInfo field : leaf.reader().getFieldInfos()) {
          org.apache.lucene.index.Terms terms = leaf.reader().terms(field.name);
          if (terms != null && terms.iterator().seekExact(new org.apache.lucene.util.BytesRef(term))) {
            return true;
          }
        }
      }
      return false;
    }
  }

  @Test
  void contentHashFollowsTheLatestWriteBeforeAndAfterRefresh() {
    Document v1 = Document.of("d", "", "first version", Metadata.empty());
    Document v2 = Document.of("d", "", "second version", Metadata.empty());
    Document empty = Document.of("e", "", "", Metadata.empty());
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      assertEquals(Optional.empty(), index.contentHash("d"));
      index.upsert(v1, Fixtures.chunks(v1), Fixtures.units(random, 1, DIM));
      assertEquals(Optional.of(v1.contentHash()), index.contentHash("d"), "before refresh");
      index.refresh();
      assertEquals(Optional.of(v1.contentHash()), index.contentHash("d"));
      index.upsert(v2, Fixtures.chunks(v2), Fixtures.units(random, 1, DIM));
      assertEquals(Optional.of(v2.contentHash()), index.contentHash("d"), "newer write not yet visible");
      index.refresh();
      assertEquals(Optional.of(v2.contentHash()), index.contentHash("d"));

      index.upsert(empty, List.of(), new float[0][]);
      index.refresh();
      assertEquals(Optional.of(empty.contentHash()), index.contentHash("e"), "a document without chunks is known");
      assertEquals(2, index.stats().documents());
      assertEquals(1, index.stats().chunks());
    }
  }

  @Test
  void reopenAfterCommitKeepsEverything() {
    Document doc = guide("Segments are merged in the background. Vectors live in an HNSW graph.");
    List<Chunk> chunks = Fixtures.chunks(doc, 39);
    float[][] vectors = Fixtures.units(random, 2, DIM);
    IndexManifest manifest = Fixtures.manifest(DIM);
    long committed;
    List<StoredChunk> before;
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, manifest, new HnswConfig(8, 50, 40))) {
      index.upsert(doc, chunks, vectors);
      committed = index.commit();
      before = index.load(List.of("guide#0", "guide#1"));
    }
    try (LuceneChunkIndex index = LuceneChunkIndex.open(dir, manifest)) {
      assertEquals(manifest, index.manifest());
      assertEquals(new HnswConfig(8, 50, 40), index.hnsw());
      assertTrue(index.generation() >= committed, "generations never go back");
      assertEquals(before, index.load(List.of("guide#0", "guide#1")));
      assertEquals(List.of("guide#0"), ids(index.lexical().retrieve(text("merged segments"), 1)));
      assertEquals(List.of("guide#1"), ids(index.vector().retrieve(vector(vectors[1]), 1)));
      assertEquals(Optional.of(doc.contentHash()), index.contentHash("guide"));
      assertEquals(1, index.stats().documents());
    }
  }

  @Test
  void openingWithAnotherEmbedderOrDimensionIsAConflictNamingTheDifference() {
    IndexManifest built = Fixtures.manifest(DIM);
    LuceneChunkIndex.create(dir, built).close();

    ConflictException embedder = assertThrows(ConflictException.class, () -> LuceneChunkIndex.open(dir,
        IndexManifest.of(Fixtures.model("other-embedder", DIM), VectorEncoding.INT8, ChunkerConfig.DEFAULT)));
    assertTrue(embedder.getMessage().contains("embedder 'test-embedder' vs 'other-embedder'"), embedder.getMessage());

    ConflictException everything = assertThrows(ConflictException.class, () -> LuceneChunkIndex.open(dir,
        IndexManifest.of(Fixtures.model("test-embedder", 16), VectorEncoding.FLOAT32,
            new ChunkerConfig(ChunkingStrategy.TOKEN_WINDOW, 256, 32))));
    String message = everything.getMessage();
    assertTrue(message.contains("dimension 8 vs 16"), message);
    assertTrue(message.contains("vector encoding INT8 vs FLOAT32"), message);
    assertTrue(message.contains("chunker recursive/512/0 vs token_window/256/32"), message);
    assertFalse(message.contains("embedder"), message);

    try (LuceneChunkIndex index = LuceneChunkIndex.open(dir)) {
      EmbeddingModelInfo wider = Fixtures.model("test-embedder", 384);
      ConflictException viaManifest = assertThrows(ConflictException.class, () -> index.manifest().requireCompatible(wider));
      assertTrue(viaManifest.getMessage().contains("384"), viaManifest.getMessage());
    }
    LuceneChunkIndex.openOrCreate(dir, built).close();
  }

  @Test
  void anIndexOfAnotherFormatVersionIsRefused() throws IOException {
    LuceneChunkIndex.create(dir, Fixtures.manifest(DIM)).close();
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
    ConflictException e = assertThrows(ConflictException.class, () -> LuceneChunkIndex.open(dir));
    assertTrue(e.getMessage().contains("has format 2, this version reads format 1"), e.getMessage());
  }

  @Test
  void bm25RanksTheChunkWithMoreOfTheQueryTermsFirst() {
    Document dense = Document.of("dense", "", "lucene indexes, lucene searches, lucene scores", Metadata.empty());
    Document sparse = Document.of("sparse", "", "lucene is mentioned once in this longer passage about other things", Metadata.empty());
    Document both = Document.of("both", "Lucene scoring", "how lucene scores documents with bm25", Metadata.empty());
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      for (Document d : List.of(dense, sparse, both)) {
        index.upsert(d, Fixtures.chunks(d), Fixtures.units(random, 1, DIM));
      }
      index.refresh();
      assertEquals(List.of("dense#0", "both#0", "sparse#0"), ids(index.lexical().retrieve(text("lucene"), 10)));
      assertEquals(List.of("both#0", "dense#0"), ids(index.lexical().retrieve(text("scoring"), 10)));
    }
  }

  @Test
  void createRefusesAnExistingIndexAndOpenRefusesAMissingOrBusyOne() {
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      assertThrows(ConflictException.class, () -> LuceneChunkIndex.create(dir, Fixtures.manifest(DIM)));
      ConflictException busy = assertThrows(ConflictException.class, () -> LuceneChunkIndex.open(dir));
      assertTrue(busy.getMessage().contains("already open"), busy.getMessage());
      assertEquals(dir, index.directory());
    }
    NotFoundException missing = assertThrows(NotFoundException.class, () -> LuceneChunkIndex.open(dir.resolve("nothing")));
    assertTrue(missing.getMessage().contains("manifest.json"), missing.getMessage());
  }

  @Test
  void aCrashBeforeCommitLeavesTheLastCommitIntact() throws IOException {
    Document kept = Document.of("kept", "", "committed words", Metadata.empty());
    Document lost = Document.of("lost", "", "uncommitted words", Metadata.empty());
    Path crashed = dir.resolve("crashed");
    Path live = dir.resolve("live");
    try (LuceneChunkIndex index = LuceneChunkIndex.create(live, Fixtures.manifest(DIM))) {
      index.upsert(kept, Fixtures.chunks(kept), Fixtures.units(random, 1, DIM));
      index.commit();
      index.upsert(lost, Fixtures.chunks(lost), Fixtures.units(random, 1, DIM));
      index.delete("kept");
      index.refresh(); // flushes segment files for the uncommitted writes
      // A process that dies now leaves exactly these files behind (minus the lock it held).
      Files.createDirectories(crashed);
      try (Stream<Path> files = Files.list(live)) {
        for (Path file : files.toList()) {
          if (!file.getFileName().toString().equals("write.lock")) {
            Files.copy(file, crashed.resolve(file.getFileName()));
          }
        }
      }
    }
    try (LuceneChunkIndex index = LuceneChunkIndex.open(crashed)) {
      assertEquals(List.of("kept#0"), ids(index.lexical().retrieve(text("words"), 10)));
      IndexStats stats = index.stats();
      assertEquals(1, stats.documents());
      assertEquals(1, stats.chunks());
    }
  }

  @Test
  void writesAreCheckedBeforeTheyReachTheIndex() {
    Document doc = Document.of("d", "", "some text here", Metadata.empty());
    List<Chunk> one = Fixtures.chunks(doc);
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      InvalidInputException dimension = assertThrows(InvalidInputException.class,
          () -> index.upsert(doc, one, new float[][] {Fixtures.unit(random, DIM + 1)}));
      assertEquals("vector 0 of document 'd' has 9 dimensions; this index holds 8-d vectors", dimension.getMessage());

      float[] longVector = Fixtures.unit(random, DIM);
      longVector[0] += 1;
      InvalidInputException norm = assertThrows(InvalidInputException.class, () -> index.upsert(doc, one, new float[][] {longVector}));
      assertTrue(norm.getMessage().contains("unit-length"), norm.getMessage());

      assertThrows(InvalidInputException.class, () -> index.upsert(doc, one, new float[][] {new float[DIM]}));
      assertThrows(InvalidInputException.class, () -> index.upsert(doc, one, new float[0][]));
      Document other = Document.of("other", "", "some text here", Metadata.empty());
      assertThrows(InvalidInputException.class, () -> index.upsert(other, one, Fixtures.units(random, 1, DIM)));

      InvalidInputException query = assertThrows(InvalidInputException.class,
          () -> index.vector().retrieve(vector(new float[3]), 5));
      assertTrue(query.getMessage().contains("3 dimensions"), query.getMessage());
      assertThrows(InvalidInputException.class, () -> index.vector().retrieve(text("no vector"), 5));
      InvalidInputException k = assertThrows(InvalidInputException.class, () -> index.lexical().retrieve(text("x"), 0));
      assertEquals("k must be at least 1, got: 0", k.getMessage());

      index.refresh();
      assertEquals(Optional.empty(), index.contentHash("d"), "nothing was written");
      assertEquals(0, index.stats().chunks());
    }
  }

  @Test
  void cosineIndexesNormaliseVectorsAndScoresStayDotProducts() {
    EmbeddingModelInfo cosine = new EmbeddingModelInfo("cos", DIM, 512, Similarity.COSINE, "", "");
    IndexManifest manifest = IndexManifest.of(cosine, VectorEncoding.FLOAT32, ChunkerConfig.DEFAULT);
    Document doc = Document.of("d", "", "text", Metadata.empty());
    float[] raw = Fixtures.unit(random, DIM);
    float[] scaled = raw.clone();
    for (int i = 0; i < DIM; i++) {
      scaled[i] *= 7;
    }
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, manifest)) {
      index.upsert(doc, Fixtures.chunks(doc), new float[][] {scaled});
      index.refresh();
      assertEquals(1.0f, index.vector().retrieve(vector(scaled), 1).items().getFirst().score(), 1e-5);
      assertEquals(1.0f, index.exactVector().retrieve(vector(raw), 1).items().getFirst().score(), 1e-5);
    }
  }

  @Test
  void generationGrowsWithEachVisibleChangeAndIsReportedByRetrievers() {
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      long g0 = index.refresh();
      assertEquals(g0, index.refresh(), "no change, same generation");
      Document doc = Document.of("d", "", "words", Metadata.empty());
      index.upsert(doc, Fixtures.chunks(doc), Fixtures.units(random, 1, DIM));
      assertEquals(g0, index.lexical().retrieve(text("words"), 1).generation(), "not yet refreshed");
      assertTrue(index.lexical().retrieve(text("words"), 1).items().isEmpty());
      long g1 = index.refresh();
      assertTrue(g1 > g0);
      assertEquals(g1, index.lexical().retrieve(text("words"), 1).generation());
      index.delete("d");
      long g2 = index.refresh();
      assertTrue(g2 > g1);
      assertEquals(g2, index.stats().generation());
    }
  }

  @Test
  void searchersSeeConsistentBlocksWhileAWriterReplacesDocuments() throws Exception {
    int chunksPerVersion = 4;
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM))) {
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        Future<?> writer = pool.submit(() -> {
          Random r = new Random(7);
          for (int version = 0; version < 40; version++) {
            String word = "version" + version;
            String text = (word + " ").repeat(chunksPerVersion).trim();
            Document doc = Document.of("d", "", text, Metadata.empty());
            int[] cuts = new int[chunksPerVersion - 1];
            for (int c = 0; c < cuts.length; c++) {
              cuts[c] = (c + 1) * (word.length() + 1);
            }
            index.upsert(doc, Fixtures.chunks(doc, cuts), Fixtures.units(r, chunksPerVersion, DIM));
            index.refresh();
          }
          done.set(true);
          return null;
        });
        List<Future<Integer>> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          readers.add(pool.submit(() -> {
            int checks = 0;
            boolean seen = false;
            Random r = new Random(11);
            while (!done.get()) {
              RankedList hits = index.vector().retrieve(vector(Fixtures.unit(r, DIM)), 10);
              int n = hits.items().size();
              if (n == 0 && seen) {
                throw new AssertionError("the document vanished between two versions");
              }
              if (n != 0 && n != chunksPerVersion) {
                throw new AssertionError("saw " + n + " chunks: a mix of versions");
              }
              seen |= n > 0;
              List<StoredChunk> loaded = index.load(hits.items().stream().map(ScoredChunkRef::chunkId).toList());
              if (loaded.stream().map(c -> c.text().strip()).distinct().count() > 1) {
                throw new AssertionError("loaded chunks of different versions: " + loaded);
              }
              checks++;
            }
            return checks;
          }));
        }
        writer.get();
        for (Future<Integer> reader : readers) {
          assertTrue(reader.get() > 0);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(chunksPerVersion, index.stats().chunks());
    }
  }

  @Test
  void float32IndexesFindTheSameNeighboursAsExactSearch() {
    IndexManifest manifest = IndexManifest.of(Fixtures.model("f", DIM), VectorEncoding.FLOAT32, ChunkerConfig.DEFAULT);
    try (LuceneChunkIndex index = LuceneChunkIndex.create(dir, manifest)) {
      for (int i = 0; i < 50; i++) {
        Document doc = Document.of("d" + i, "", "doc " + i, Metadata.empty());
        index.upsert(doc, Fixtures.chunks(doc), Fixtures.units(random, 1, DIM));
      }
      index.refresh();
      float[] q = Fixtures.unit(random, DIM);
      RankedList approx = index.vector().retrieve(vector(q), 5);
      RankedList exact = index.exactVector().retrieve(vector(q), 5);
      assertEquals(exact.items(), approx.items());
    }
  }

  @Test
  void closedIndexesSaySo() {
    LuceneChunkIndex index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM));
    index.close();
    index.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.lexical().retrieve(text("x"), 1));
    assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
    assertThrows(IllegalStateException.class, index::refresh);
  }
}

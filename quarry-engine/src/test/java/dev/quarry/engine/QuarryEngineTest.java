package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.chunk.ChunkerConfig;
import dev.quarry.core.chunk.ChunkingStrategy;
import dev.quarry.core.error.ConflictException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.VectorEncoding;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.collection.CollectionSettings;
import dev.quarry.engine.ingest.IngestReport;
import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded engine end to end: real parsers, the real bge model, a real Lucene index on disk. */
class QuarryEngineTest {

  @TempDir static Path dataDir;
  @TempDir static Path docs;
  static Quarry quarry;

  @BeforeAll
  static void ingestAFolder() throws IOException {
    Files.writeString(docs.resolve("kubernetes.md"), """
        # Kubernetes operations

        ## Rotating certificates
        Cluster certificates expire after one year. Rotate them with kubeadm certs renew before they lapse.

        ## Scaling
        The horizontal pod autoscaler adds replicas when CPU load rises.
        """);
    Files.writeString(docs.resolve("cooking.html"), """
        <html><head><title>Sourdough basics</title><script>var x = 'bread';</script></head>
        <body><h1>Sourdough</h1><p>Feed the starter with flour and water every day and bake the loaf at 250 degrees.</p></body></html>
        """);
    Files.writeString(docs.resolve("notes.txt"), "The quarterly budget review moved to Thursday afternoon.\n");
    Files.writeString(docs.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"p1\", \"title\": \"Vitamin D\", \"text\": \"Vitamin D supplementation reduces the risk of bone fractures in older adults.\", \"metadata\": {\"year\": 2019, \"topic\": \"health\"}}",
        "{\"_id\": \"p2\", \"title\": \"Solar power\", \"text\": \"Photovoltaic panels convert sunlight into electricity with rising efficiency.\", \"metadata\": {\"year\": 2022, \"topic\": \"energy\"}}",
        "{not json",
        "{\"_id\": \"p3\", \"title\": \"Wind power\", \"text\": \"Offshore wind turbines generate electricity from steady sea winds.\", \"metadata\": {\"year\": 2015, \"topic\": \"energy\"}}"));
    Files.write(docs.resolve("bad.txt"), new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28});
    Files.writeString(docs.resolve("image.bmp"), "not a document");
    quarry = Quarry.open(EngineConfig.defaults(dataDir));
  }

  @AfterAll
  static void close() {
    quarry.close();
  }

  private static Collection collection() {
    return quarry.openOrCreate("docs", Optional.empty());
  }

  private static synchronized IngestReport ingestOnce() {
    if (first == null) {
      first = collection().ingest(quarry.files(docs), ProgressListener.NONE);
    }
    return first;
  }

  private static IngestReport first;

  private static List<String> ids(SearchRequest request) {
    return collection().search(request).hits().stream().map(h -> h.chunk().documentId()).toList();
  }

  @Test
  void ingestionIndexesGoodDocumentsAndReportsEveryBadOneWithItsLocation() {
    IngestReport r = ingestOnce();
    assertEquals(6, r.documents());
    assertEquals(3, r.rejected().size(), r.rejected().toString());
    assertTrue(r.rejected().stream().anyMatch(x -> x.location().equals("corpus.jsonl:3")), r.rejected().toString());
    assertTrue(r.rejected().stream().anyMatch(x -> x.location().startsWith("bad.txt") && x.reason().contains("UTF-8")));
    assertTrue(r.rejected().stream().anyMatch(x -> x.location().equals("image.bmp") && x.reason().contains("unsupported file type")));
    assertEquals(6, collection().stats().documents());
  }

  @Test
  void lexicalVectorAndHybridFindTheRightDocument() {
    ingestOnce();
    SearchRequest q = SearchRequest.of("how do I renew expiring cluster certificates");
    assertEquals("kubernetes.md", ids(q.withMode(SearchMode.LEXICAL)).getFirst());
    assertEquals("kubernetes.md", ids(q.withMode(SearchMode.VECTOR)).getFirst());
    assertEquals("kubernetes.md", ids(q).getFirst());
    // a paraphrase with no shared word: only the vector side can find it
    assertEquals("cooking.html", ids(SearchRequest.of("baking bread at home").withMode(SearchMode.VECTOR)).getFirst());
  }

  @Test
  void hitsCarryHeadingPathSnippetAndExplanation() {
    ingestOnce();
    var request = new SearchRequest("rotate certificates kubeadm", SearchMode.HYBRID, 3, 0, Optional.empty(),
        Fusion.rrf(), Grouping.CHUNK, true, 50);
    Hit top = collection().search(request).hits().getFirst();
    assertEquals("kubernetes.md", top.chunk().documentId());
    assertTrue(top.chunk().text().contains("kubeadm"));
    var explanation = top.explanation().orElseThrow();
    assertEquals(2, explanation.contributions().size());
    assertEquals(1, explanation.contributions().getFirst().rank());
  }

  @Test
  void filtersApplyInsideBothRetrievers() {
    ingestOnce();
    Filter energy = new Filter.Term("topic", "energy");
    for (SearchMode mode : SearchMode.values()) {
      var request = new SearchRequest("vitamin fractures in older adults", mode, 10, 0, Optional.of(energy),
          Fusion.rrf(), Grouping.DOCUMENT, false, 100);
      List<String> hits = ids(request);
      assertFalse(hits.isEmpty() && mode != SearchMode.LEXICAL, mode + " returned nothing");
      assertTrue(hits.stream().allMatch(id -> id.equals("p2") || id.equals("p3")), mode + ": " + hits);
    }
  }

  @Test
  void reingestingUnchangedContentDoesNoWorkAndAChangeReplacesChunks() throws IOException {
    ingestOnce();
    Path one = Files.createTempDirectory(docs.getParent(), "one");
    Files.writeString(one.resolve("a.txt"), "Alpha document about glaciers and ice sheets.");
    Collection c = quarry.openOrCreate("replace", Optional.empty());
    assertEquals(1, c.ingest(quarry.files(one), ProgressListener.NONE).indexed());
    IngestReport again = c.ingest(quarry.files(one), ProgressListener.NONE);
    // the generation an ingestion reports is the one the next search reads
    assertEquals(again.generation(), c.search(SearchRequest.of("glaciers")).generation());
    assertEquals(0, again.indexed());
    assertEquals(1, again.unchanged());
    Files.writeString(one.resolve("a.txt"), "Alpha document now about volcanoes and lava flows.", StandardCharsets.UTF_8);
    assertEquals(1, c.ingest(quarry.files(one), ProgressListener.NONE).indexed());
    var hits = c.search(SearchRequest.of("glaciers").withMode(SearchMode.LEXICAL)).hits();
    assertTrue(hits.isEmpty(), "old text still searchable: " + hits);
    assertEquals(1, c.stats().chunks());
  }

  @Test
  void aDeletedDocumentIsNeverReturned() throws IOException {
    Path one = Files.createTempDirectory(docs.getParent(), "del");
    Files.writeString(one.resolve("x.txt"), "Zebras graze on the savanna grasslands.");
    Collection c = quarry.openOrCreate("deletions", Optional.empty());
    c.ingest(quarry.files(one), ProgressListener.NONE);
    assertEquals(List.of("x.txt"), c.search(SearchRequest.of("zebras savanna")).hits().stream().map(h -> h.chunk().documentId()).toList());
    assertTrue(c.delete("x.txt"));
    for (SearchMode m : SearchMode.values()) {
      assertTrue(c.search(SearchRequest.of("zebras savanna").withMode(m)).hits().isEmpty(), m.name());
    }
    assertFalse(c.delete("x.txt"));
  }

  @Test
  void noBatchIsLostWhenTheEmbedderIsTheBottleneck(@TempDir Path many, @TempDir Path data) throws IOException {
    for (int i = 0; i < 40; i++) {
      Files.writeString(many.resolve("doc" + i + ".txt"), "Document number " + i + " about topic " + (i % 7) + ".");
    }
    var base = EngineConfig.defaults(data);
    var config = new EngineConfig(data, base.defaults(), new dev.quarry.engine.ingest.IngestSettings(1, 7),
        base.limits(), base.embedder(), false);
    try (Quarry q = Quarry.open(config)) {
      Collection c = q.openOrCreate("many", Optional.empty());
      IngestReport r = c.ingest(q.files(many), ProgressListener.NONE);
      assertEquals(40, r.indexed());
      assertEquals(40, c.stats().documents());
    }
  }

  @Test
  void aCollectionRefusesOtherSettingsThanItWasBuiltWith() {
    quarry.openOrCreate("fixed", Optional.empty());
    var other = new CollectionSettings("all-minilm-l6-v2-q", new ChunkerConfig(ChunkingStrategy.SENTENCE, 256, 0), VectorEncoding.INT8);
    var e = assertThrows(ConflictException.class, () -> quarry.openOrCreate("fixed", Optional.of(other)));
    assertTrue(e.getMessage().contains("bge-small-en-v1.5-q"), e.getMessage());
  }

  @Test
  void droppedCollectionsAreGoneFromDisk() {
    quarry.openOrCreate("temporary", Optional.empty());
    assertTrue(quarry.drop("temporary"));
    assertFalse(Files.exists(dataDir.resolve("collections").resolve("temporary")));
    assertThrows(NotFoundException.class, () -> quarry.get("temporary"));
  }
}

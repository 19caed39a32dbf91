package dev.quarry.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.Filter;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.Retriever;
import dev.quarry.core.search.ScoredChunkRef;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Retriever#score}, which score completion relies on: a chunk is scored exactly as the
 * retriever scores it when it retrieves it, and the filter is respected. 200 documents of two
 * chunks each; the first chunk mentions "shared", the second does not.
 */
class RetrieverScoreTest {

  private static final int DOCS = 200;
  private static final int DIM = 16;

  @TempDir static Path dir;

  private static LuceneChunkIndex index;
  private static float[][] vectors;

  @BeforeAll
  static void build() {
    index = LuceneChunkIndex.create(dir, Fixtures.manifest(DIM));
    vectors = Fixtures.units(new Random(11), 2 * DOCS, DIM);
    for (int i = 0; i < DOCS; i++) {
      Metadata meta = new Metadata(Map.of("lang", new MetadataValue.Text(i % 4 == 0 ? "de" : "en")));
      String first = "shared ".repeat(1 + i % 7) + "topic number " + i + ". ";
      String text = first + "closing words without the common term";
      Document doc = Document.of("doc-" + i, "", text, meta);
      index.upsert(doc, Fixtures.chunks(doc, first.length()), new float[][] {vectors[2 * i], vectors[2 * i + 1]});
    }
    index.refresh();
  }

  @AfterAll
  static void close() {
    index.close();
  }

  private static Set<String> allDocuments() {
    return IntStream.range(0, DOCS).mapToObj(i -> "doc-" + i).collect(Collectors.toSet());
  }

  private static Map<String, Float> byChunk(RankedList list) {
    Map<String, Float> out = new HashMap<>();
    list.items().forEach(r -> out.put(r.chunkId(), r.score()));
    return out;
  }

  @Test
  void lexicalScoreOfAChunkIsTheScoreRetrievalGivesIt() {
    RetrievalQuery query = new RetrievalQuery("shared topic", null, Optional.empty());
    RankedList retrieved = index.lexical().retrieve(query, 50);
    Set<String> documents = new HashSet<>();
    retrieved.items().forEach(r -> documents.add(r.documentId()));
    Map<String, Float> scored = byChunk(index.lexical().score(query, documents));
    assertEquals(2 * documents.size(), scored.size(), "every chunk of the documents is scored");
    for (ScoredChunkRef r : retrieved.items()) {
      assertEquals(r.score(), scored.get(r.chunkId()), r.chunkId()); // the same float, not close to it
    }
    assertEquals(0f, scored.get(retrieved.items().getFirst().documentId() + "#1"), "no query term: BM25 0");
  }

  @Test
  void lexicalScoreMatchesRetrievalUnderAFilterToo() {
    RetrievalQuery query = new RetrievalQuery("shared", null, Optional.of(new Filter.Term("lang", "de")));
    RankedList retrieved = index.lexical().retrieve(query, 20);
    Map<String, Float> scored = byChunk(index.lexical().score(query, allDocuments()));
    for (ScoredChunkRef r : retrieved.items()) {
      assertEquals(r.score(), scored.get(r.chunkId()), r.chunkId());
    }
  }

  @Test
  void vectorScoreOfAChunkIsTheScoreEveryVectorRetrieverGivesIt() {
    RetrievalQuery query = new RetrievalQuery("", Fixtures.near(new Random(5), vectors[42], 0.3), Optional.empty());
    for (Retriever retriever : List.of(index.vector(), index.vector(10), index.exactVector())) {
      RankedList retrieved = retriever.retrieve(query, 30);
      Set<String> documents = new HashSet<>();
      retrieved.items().forEach(r -> documents.add(r.documentId()));
      Map<String, Float> scored = byChunk(retriever.score(query, documents));
      assertEquals(2 * documents.size(), scored.size(), "every chunk of the documents is scored");
      for (ScoredChunkRef r : retrieved.items()) {
        assertEquals(r.score(), scored.get(r.chunkId()), r.chunkId());
      }
    }
  }

  @Test
  void aChunkTheFilterExcludesIsNotScored() {
    Filter german = new Filter.Term("lang", "de");
    RetrievalQuery lexical = new RetrievalQuery("shared", null, Optional.of(german));
    RetrievalQuery vector = new RetrievalQuery("", vectors[0], Optional.of(german));
    for (RankedList scored : List.of(index.lexical().score(lexical, allDocuments()),
        index.vector().score(vector, allDocuments()), index.exactVector().score(vector, allDocuments()))) {
      assertEquals(2 * DOCS / 4, scored.items().size(), scored.retriever());
      for (ScoredChunkRef r : scored.items()) {
        int n = Integer.parseInt(r.documentId().substring("doc-".length()));
        assertTrue(n % 4 == 0, scored.retriever() + " scored filtered-out " + r.chunkId());
      }
    }
  }

  @Test
  void noDocumentsAndUnknownDocumentsScoreNothing() {
    RetrievalQuery query = new RetrievalQuery("shared", vectors[0], Optional.empty());
    assertTrue(index.lexical().score(query, Set.of()).items().isEmpty());
    assertTrue(index.lexical().score(query, Set.of("no-such-doc")).items().isEmpty());
    assertTrue(index.vector().score(query, Set.of("no-such-doc")).items().isEmpty());
  }
}

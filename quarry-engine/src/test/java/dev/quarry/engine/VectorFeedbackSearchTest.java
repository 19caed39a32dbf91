package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.index.Filter;
import dev.quarry.core.index.StoredVector;
import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.VectorFeedback;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.lucene.LuceneChunkIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vector pseudo-relevance feedback as a collection serves it (real Lucene index, real bge
 * embedder): the second vector search ranks by the refined query vector computed here, on its own,
 * from the query's embedding and the stored vectors of the first pass's best results; those come
 * from inside the request's filter and from the searched collection only (a second collection holds
 * documents with the same ids and other texts); off, nothing changes.
 */
class VectorFeedbackSearchTest {

  @TempDir static Path dataDir;
  @TempDir static Path docs;
  @TempDir static Path otherDocs;
  static Quarry quarry;
  static Collection collection;
  static LuceneChunkIndex docsIndex;
  static LuceneChunkIndex otherIndex;

  private static final List<String> QUERIES = List.of(
      "electricity from sunlight", "bone health in older adults", "water for power", "wind and solar electricity");

  private static final VectorFeedback FEEDBACK = new VectorFeedback(2, 1.0);

  @BeforeAll
  static void ingest() throws IOException {
    Files.writeString(docs.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"Vitamin D\", \"text\": \"Vitamin D supplementation reduces the risk of bone fractures in older adults.\", \"metadata\": {\"topic\": \"health\"}}",
        "{\"_id\": \"d2\", \"title\": \"Solar power\", \"text\": \"Photovoltaic panels convert sunlight into electricity.\", \"metadata\": {\"topic\": \"energy\"}}",
        "{\"_id\": \"d3\", \"title\": \"Wind power\", \"text\": \"Offshore wind turbines generate electricity from sea winds.\", \"metadata\": {\"topic\": \"energy\"}}",
        "{\"_id\": \"d4\", \"title\": \"Calcium\", \"text\": \"Calcium intake and bone density in adults.\", \"metadata\": {\"topic\": \"health\"}}",
        "{\"_id\": \"d5\", \"title\": \"Sourdough\", \"text\": \"Feed the starter with flour and water every day.\", \"metadata\": {\"topic\": \"food\"}}",
        "{\"_id\": \"d6\", \"title\": \"Hydro power\", \"text\": \"Dams turn falling water into power for the grid.\", \"metadata\": {\"topic\": \"energy\"}}"));
    Files.writeString(otherDocs.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"Pasta\", \"text\": \"Boil the pasta in salted water for nine minutes.\"}",
        "{\"_id\": \"d2\", \"title\": \"Bread\", \"text\": \"Knead the dough until it is smooth and elastic.\"}",
        "{\"_id\": \"d3\", \"title\": \"Soup\", \"text\": \"Simmer the vegetables with stock and herbs.\"}"));
    quarry = Quarry.open(EngineConfig.defaults(dataDir));
    collection = quarry.openOrCreate("docs", Optional.empty());
    collection.ingest(quarry.files(docs), ProgressListener.NONE);
    quarry.openOrCreate("other", Optional.empty()).ingest(quarry.files(otherDocs), ProgressListener.NONE);
    // the stored vectors, read beside the engine from each collection's committed index
    docsIndex = LuceneChunkIndex.openReadOnly(dataDir.resolve("collections").resolve("docs"));
    otherIndex = LuceneChunkIndex.openReadOnly(dataDir.resolve("collections").resolve("other"));
  }

  @AfterAll
  static void close() {
    docsIndex.close();
    otherIndex.close();
    quarry.close();
  }

  private static SearchRequest request(String query, SearchMode mode, Grouping grouping, Optional<Filter> filter,
      Optional<VectorFeedback> feedback) {
    return new SearchRequest(query, mode, 6, 0, filter, SearchRequest.DEFAULT_FUSION, grouping, true, 10,
        Optional.empty(), feedback);
  }

  private static final Map<String, float[]> QUERY_VECTORS = new HashMap<>();

  /** The query's embedding as the search computes it (once per query: a repeated search is a result-cache hit). */
  private static float[] queryVector(String query) {
    return QUERY_VECTORS.computeIfAbsent(query, text -> {
      AtomicReference<float[]> q = new AtomicReference<>();
      // (k 7: a request no other search of this class makes, so the result cache cannot answer it)
      collection.search(new SearchRequest(text, SearchMode.VECTOR, 7, 0, Optional.empty(), SearchRequest.DEFAULT_FUSION,
          Grouping.CHUNK, false, 10), q::set);
      return java.util.Objects.requireNonNull(q.get(), "the search embedded the query");
    });
  }

  /** q' = normalize(q / |q| + weight * mean(d)), written out here on its own, in double. */
  private static double[] refined(float[] q, List<float[]> feedback, double weight) {
    double qn = 0;
    for (float x : q) {
      qn += x * (double) x;
    }
    qn = Math.sqrt(qn);
    double[] r = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      double sum = 0;
      for (float[] d : feedback) {
        sum += d[i];
      }
      r[i] = q[i] / qn + weight * sum / feedback.size();
    }
    double n = Math.sqrt(java.util.Arrays.stream(r).map(x -> x * x).sum());
    return java.util.Arrays.stream(r).map(x -> x / n).toArray();
  }

  /** Each chunk's similarity to {@code refined}, from its stored vector: the score the second search should give it. */
  private static Map<String, Double> expectedScores(double[] refined) {
    List<String> chunks = new ArrayList<>();
    for (int d = 1; d <= 6; d++) {
      chunks.add("d" + d + "#0");
    }
    Map<String, Double> out = new HashMap<>();
    for (StoredVector v : docsIndex.vectors(chunks)) {
      double s = 0;
      for (int i = 0; i < refined.length; i++) {
        s += refined[i] * v.vector()[i];
      }
      out.put(v.chunkId(), s);
    }
    assertEquals(6, out.size(), "fixture: one chunk per document");
    return out;
  }

  /** The vector-side score the search gave each hit, and checks it against the refinement computed here. */
  private static void assertSecondSearchRanksByRefinedVector(String query, SearchMode mode, Grouping grouping,
      Optional<Filter> filter) {
    List<FusedResult> first = collection.rank(request(query, mode, grouping, filter, Optional.empty())).results();
    List<String> feedbackChunks = first.stream().limit(FEEDBACK.docs()).map(FusedResult::chunkId).toList();
    List<float[]> feedbackVectors = docsIndex.vectors(feedbackChunks).stream().map(StoredVector::vector).toList();
    assertEquals(FEEDBACK.docs(), feedbackVectors.size());
    Map<String, Double> expected = expectedScores(refined(queryVector(query), feedbackVectors, FEEDBACK.weight()));
    List<Hit> hits = collection.search(request(query, mode, grouping, filter, Optional.of(FEEDBACK))).hits();
    assertFalse(hits.isEmpty());
    double previous = Double.POSITIVE_INFINITY;
    int vectorParts = 0;
    for (Hit hit : hits) {
      var explanation = hit.explanation().orElseThrow();
      assertTrue(explanation.fusion().contains("vector feedback(docs=2, weight=1.0)"), explanation.fusion());
      for (Contribution part : explanation.contributions()) {
        if (part.retriever().equals("vector")) {
          vectorParts++;
          assertEquals(expected.get(hit.chunk().chunkId()), part.score(), 1e-5,
              query + " " + mode + " " + grouping + " " + hit.chunk().chunkId());
        }
      }
      if (mode == SearchMode.VECTOR) {
        double e = expected.get(hit.chunk().chunkId());
        assertEquals(e, hit.score(), 1e-5, query + " " + grouping + " " + hit.chunk().chunkId());
        assertTrue(e <= previous + 1e-6, query + ": ranked by the refined vector");
        previous = e;
      }
    }
    assertTrue(vectorParts > 0, query + " " + mode + ": some hit came from the vector side");
  }

  @Test
  void theSecondSearchRanksByTheRefinedVectorComputedFromTheStoredVectors() {
    for (SearchMode mode : List.of(SearchMode.VECTOR, SearchMode.HYBRID)) {
      for (Grouping grouping : Grouping.values()) {
        for (String query : QUERIES) {
          assertSecondSearchRanksByRefinedVector(query, mode, grouping, Optional.empty());
        }
      }
    }
  }

  @Test
  void feedbackDocumentsComeFromInsideTheFilter() {
    Optional<Filter> energy = Optional.of(new Filter.Term("topic", "energy"));
    String query = "bone health in older adults";
    // fixture: unfiltered, the best results are health abstracts, which the filter keeps out
    List<String> unfiltered = collection.rank(request(query, SearchMode.HYBRID, Grouping.DOCUMENT, Optional.empty(),
        Optional.empty())).results().stream().limit(FEEDBACK.docs()).map(FusedResult::documentId).toList();
    assertEquals(List.of("d1", "d4"), unfiltered.stream().sorted().toList());
    for (SearchMode mode : List.of(SearchMode.VECTOR, SearchMode.HYBRID)) {
      assertSecondSearchRanksByRefinedVector(query, mode, Grouping.DOCUMENT, energy);
      for (Hit hit : collection.search(request(query, mode, Grouping.DOCUMENT, energy, Optional.of(FEEDBACK))).hits()) {
        assertTrue(List.of("d2", "d3", "d6").contains(hit.chunk().documentId()), mode + ": " + hit.chunk().documentId());
      }
    }
  }

  @Test
  void feedbackReadsTheSearchedCollectionsVectorsOnly() {
    // the other collection's d1#0 is another text under the same chunk id: reading it would change q'
    float[] ours = docsIndex.vectors(List.of("d1#0")).getFirst().vector();
    float[] theirs = otherIndex.vectors(List.of("d1#0")).getFirst().vector();
    assertFalse(java.util.Arrays.equals(ours, theirs), "fixture: same chunk id, other vector");
    assertSecondSearchRanksByRefinedVector("bone health in older adults", SearchMode.VECTOR, Grouping.DOCUMENT,
        Optional.empty());
    for (Hit hit : quarry.get("other").search(request("bone health in older adults", SearchMode.HYBRID,
        Grouping.DOCUMENT, Optional.empty(), Optional.of(FEEDBACK))).hits()) {
      assertTrue(List.of("d1", "d2", "d3").contains(hit.chunk().documentId()));
      assertTrue(hit.chunk().text().contains("pasta") || hit.chunk().text().contains("dough")
          || hit.chunk().text().contains("vegetables"), hit.chunk().text());
    }
  }

  @Test
  void offChangesNothing() {
    for (SearchMode mode : SearchMode.values()) {
      for (Grouping grouping : Grouping.values()) {
        for (String query : QUERIES) {
          SearchRequest plain = new SearchRequest(query, mode, 6, 0, Optional.empty(), SearchRequest.DEFAULT_FUSION,
              grouping, true, 10);
          SearchRequest off = request(query, mode, grouping, Optional.empty(), Optional.empty());
          assertEquals(plain, off);
          assertEquals(collection.fingerprint(plain), collection.fingerprint(off));
          for (Hit hit : collection.search(off).hits()) {
            assertFalse(hit.explanation().orElseThrow().fusion().contains("feedback"));
          }
        }
      }
    }
    assertTrue(SearchRequest.of("q").feedback().isEmpty());
    // lexical search has no vector to refine: it ranks as without feedback
    for (String query : QUERIES) {
      assertEquals(
          collection.rank(request(query, SearchMode.LEXICAL, Grouping.DOCUMENT, Optional.empty(), Optional.empty())).results(),
          collection.rank(request(query, SearchMode.LEXICAL, Grouping.DOCUMENT, Optional.empty(), Optional.of(FEEDBACK))).results());
    }
    // and with feedback on, the vector ranking changes (else the tests above would prove little)
    boolean moved = false;
    for (String query : QUERIES) {
      moved |= !collection.rank(request(query, SearchMode.VECTOR, Grouping.DOCUMENT, Optional.empty(), Optional.empty()))
          .results().equals(collection.rank(request(query, SearchMode.VECTOR, Grouping.DOCUMENT, Optional.empty(),
              Optional.of(FEEDBACK))).results());
    }
    assertTrue(moved, "feedback should move some vector ranking");
    assertNotEquals(collection.fingerprint(SearchRequest.of("q")),
        collection.fingerprint(SearchRequest.of("q").withFeedback(Optional.of(FEEDBACK))));
  }
}

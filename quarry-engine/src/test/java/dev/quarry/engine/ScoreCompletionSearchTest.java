package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.index.Filter;
import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Score completion as a collection serves it (real Lucene index, real bge embedder). Two
 * candidates per retriever over six documents, so each side misses some of the other's: a missed
 * candidate's completed score is the score a deep search of that retriever alone gives it (BM25 0
 * when no query word is in it), a filtered-out document is never completed into the results, and
 * completion is off unless asked for.
 */
class ScoreCompletionSearchTest {

  @TempDir static Path dataDir;
  @TempDir static Path docs;
  static Quarry quarry;
  static Collection collection;

  private static final List<String> QUERIES = List.of(
      "electricity from sunlight", "bone health in older adults", "water for power", "wind and solar electricity");

  @BeforeAll
  static void ingest() throws IOException {
    Files.writeString(docs.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"Vitamin D\", \"text\": \"Vitamin D supplementation reduces the risk of bone fractures in older adults.\", \"metadata\": {\"topic\": \"health\"}}",
        "{\"_id\": \"d2\", \"title\": \"Solar power\", \"text\": \"Photovoltaic panels convert sunlight into electricity.\", \"metadata\": {\"topic\": \"energy\"}}",
        "{\"_id\": \"d3\", \"title\": \"Wind power\", \"text\": \"Offshore wind turbines generate electricity from sea winds.\", \"metadata\": {\"topic\": \"energy\"}}",
        "{\"_id\": \"d4\", \"title\": \"Calcium\", \"text\": \"Calcium intake and bone density in adults.\", \"metadata\": {\"topic\": \"health\"}}",
        "{\"_id\": \"d5\", \"title\": \"Sourdough\", \"text\": \"Feed the starter with flour and water every day.\", \"metadata\": {\"topic\": \"food\"}}",
        "{\"_id\": \"d6\", \"title\": \"Hydro power\", \"text\": \"Dams turn falling water into power for the grid.\", \"metadata\": {\"topic\": \"energy\"}}"));
    quarry = Quarry.open(EngineConfig.defaults(dataDir));
    collection = quarry.openOrCreate("docs", Optional.empty());
    collection.ingest(quarry.files(docs), ProgressListener.NONE);
  }

  @AfterAll
  static void close() {
    quarry.close();
  }

  private static SearchRequest request(String query, Grouping grouping, Optional<Filter> filter, boolean complete) {
    return new SearchRequest(query, SearchMode.HYBRID, 2, 0, filter, Fusion.weighted(0.6).withComplete(complete),
        grouping, true, 2);
  }

  /** Each document's score in a search of {@code mode} alone, deep enough to find every match. */
  private static Map<String, Double> alone(String query, SearchMode mode, Grouping grouping) {
    var deep = new SearchRequest(query, mode, 10, 0, Optional.empty(), Fusion.weighted(0.6), grouping, false, 10);
    Map<String, Double> out = new HashMap<>();
    collection.search(deep).hits().forEach(h -> out.put(h.chunk().documentId(), h.score()));
    return out;
  }

  @Test
  void aMissedCandidateIsCompletedWithTheScoreItsRetrieverGivesIt() {
    int completed = 0;
    for (Grouping grouping : Grouping.values()) {
      for (String query : QUERIES) {
        Map<String, Double> lexical = alone(query, SearchMode.LEXICAL, grouping);
        Map<String, Double> vector = alone(query, SearchMode.VECTOR, grouping);
        for (Hit hit : collection.search(request(query, grouping, Optional.empty(), true)).hits()) {
          var explanation = hit.explanation().orElseThrow();
          assertTrue(explanation.fusion().contains("missing scores completed"), explanation.fusion());
          List<Contribution> parts = explanation.contributions();
          // (every query matches several documents lexically: a one-hit list has no spread to complete with)
          assertEquals(2, parts.size(), query + ": one part per retriever, " + parts);
          for (Contribution p : parts.stream().filter(Contribution::completed).toList()) {
            completed++;
            Map<String, Double> alone = p.retriever().equals("lexical") ? lexical : vector;
            double expected = alone.getOrDefault(hit.chunk().documentId(), 0.0); // no query word: BM25 0
            assertEquals(expected, p.score(), 1e-6, query + " " + grouping + " " + hit.chunk().documentId());
          }
        }
      }
    }
    assertTrue(completed > 0, "fixture: some candidate should be missed by one retriever");
  }

  @Test
  void aFilteredOutDocumentIsNotCompletedIntoTheResults() {
    Optional<Filter> energy = Optional.of(new Filter.Term("topic", "energy"));
    for (String query : QUERIES) {
      for (Hit hit : collection.search(request(query, Grouping.DOCUMENT, energy, true)).hits()) {
        assertTrue(List.of("d2", "d3", "d6").contains(hit.chunk().documentId()), query + ": " + hit.chunk().documentId());
      }
    }
  }

  @Test
  void completionIsOffUnlessAskedFor() {
    for (String query : QUERIES) {
      for (Hit hit : collection.search(request(query, Grouping.DOCUMENT, Optional.empty(), false)).hits()) {
        var explanation = hit.explanation().orElseThrow();
        assertFalse(explanation.contributions().stream().anyMatch(Contribution::completed), query);
        assertFalse(explanation.fusion().contains("completed"), explanation.fusion());
      }
    }
    assertFalse(SearchRequest.of("q").fusion().complete());
  }
}

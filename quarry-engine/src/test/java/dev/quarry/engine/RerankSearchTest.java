package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.Explanation;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-ranking as search composes it: real index, real bge first stage, e5 and scripted re-rankers. */
class RerankSearchTest {

  @TempDir static Path dataDir;
  @TempDir static Path docs;
  static Quarry quarry;
  static Collection collection;

  @BeforeAll
  static void ingest() throws IOException {
    quarry = Quarry.open(EngineConfig.defaults(dataDir));
    // reverses the fused order of whatever it is handed
    quarry.addReranker("reverse", (query, candidates) ->
        new RerankOutcome.Scored(IntStream.range(0, candidates.size()).mapToObj(i -> (double) i).toList()));
    quarry.addReranker("down", (query, candidates) -> new RerankOutcome.Unavailable("scripted outage"));
    collection = FiveAbstracts.ingest(quarry, docs);
  }

  @AfterAll
  static void close() {
    quarry.close();
  }

  private static SearchRequest request(String query, Optional<Rerank> rerank) {
    SearchRequest base = SearchRequest.of(query).withK(5);
    return new SearchRequest(base.query(), base.mode(), 5, 0, Optional.empty(), base.fusion(), base.grouping(), true,
        base.candidates(), rerank);
  }

  private static List<String> ids(SearchResponse r) {
    return r.hits().stream().map(h -> h.chunk().documentId()).toList();
  }

  @Test
  void theSecondModelRescoresTheHeadAndExplainShowsBothStages() {
    SearchResponse plain = collection.search(request("bone health and vitamins", Optional.empty()));
    SearchResponse reranked = collection.search(request("bone health and vitamins",
        Optional.of(new Rerank("e5-small-v2-q", 3, 0.5))));
    assertTrue(reranked.degraded().isEmpty());
    assertEquals("d1", ids(reranked).getFirst());
    List<Hit> hits = reranked.hits();
    for (int i = 0; i < hits.size(); i++) {
      Explanation e = hits.get(i).explanation().orElseThrow();
      String id = hits.get(i).chunk().documentId();
      double fused = plain.hits().stream().filter(h -> h.chunk().documentId().equals(id)).findFirst().orElseThrow()
          .score();
      assertEquals(fused, e.fusedScore(), 1e-9, "the fused score is the first stage's");
      assertEquals(i < 3, e.rerank().isPresent(), "only the first 3 are re-scored");
      e.rerank().ifPresent(r -> {
        assertEquals("e5-small-v2-q", r.reranker());
        assertEquals(0.5, r.weight(), 0);
        assertEquals(fused, r.firstStageScore(), 1e-9);
      });
      if (i > 0) {
        assertTrue(hits.get(i - 1).score() > hits.get(i).score(), "scores fall");
      }
    }
    assertEquals(ids(plain).subList(3, 5), ids(reranked).subList(3, 5), "the tail keeps its fused order");
  }

  @Test
  void aRerankerOrdersTheHeadByItsScoresAtWeightOne() {
    List<String> plain = ids(collection.search(request("electricity from renewable sources", Optional.empty())));
    List<String> reversed = ids(collection.search(request("electricity from renewable sources",
        Optional.of(new Rerank("reverse", 4, 1.0)))));
    List<String> expected = new ArrayList<>(plain.subList(0, 4).reversed());
    expected.add(plain.get(4));
    assertEquals(expected, reversed);
  }

  @Test
  void anUnavailableRerankerKeepsTheFusedOrderAndMarksTheResponseDegraded() {
    SearchResponse plain = collection.search(request("wind turbines", Optional.empty()));
    SearchResponse degraded = collection.search(request("wind turbines", Optional.of(new Rerank("down", 5, 1.0))));
    assertEquals(ids(plain), ids(degraded));
    assertEquals("re-ranker 'down' unavailable (scripted outage); fused order kept", degraded.degraded().orElseThrow());
    assertFalse(degraded.hits().getFirst().explanation().orElseThrow().rerank().isPresent());
    assertTrue(plain.degraded().isEmpty());
  }

  @Test
  void anUnknownRerankerIsRefusedNamingTheKnownOnes() {
    var e = assertThrows(InvalidInputException.class,
        () -> collection.search(request("wind", Optional.of(new Rerank("colbert", 5, 1.0)))));
    assertTrue(e.getMessage().startsWith("unknown re-ranker 'colbert'; known: [all-minilm-l6-v2, "), e.getMessage());
    assertTrue(e.getMessage().contains("down") && e.getMessage().contains("e5-small-v2-q"), e.getMessage());
  }

  @Test
  void theSecondModelEmbedsEachPassageOnceIntoTheCollectionsOwnCacheWhichAPurgeEmpties() throws IOException {
    Collection c = quarry.openOrCreate("cached", Optional.empty());
    c.ingest(quarry.files(docs), ProgressListener.NONE);
    Path file = dataDir.resolve("cache/embeddings/cached/e5-small-v2-q.emb-v1");
    assertFalse(Files.exists(file), "opened by the first search that re-ranks with the model");
    long record = 1 + 32 + 384 * 4 + 4; // kind, SHA-256, 384 floats, CRC
    c.search(request("bone health and vitamins", Optional.of(new Rerank("e5-small-v2-q", 5, 0.5))));
    long afterFirst = Files.size(file);
    c.search(request("electricity from the sun", Optional.of(new Rerank("e5-small-v2-q", 5, 0.5))));
    assertEquals(afterFirst, Files.size(file), "the same 5 passages again: read back, not embedded, and queries never reach the disk");
    long header = afterFirst - 5 * record;
    assertTrue(header > 0 && header < 200, "5 passage records after the header, got " + afterFirst + " bytes");
    c.delete("d5");
    c.purgeDeleted();
    assertEquals(header, Files.size(file), "a purge empties the second model's cache too");
    assertTrue(quarry.drop("cached"));
    assertFalse(Files.exists(file.getParent()), "dropping the collection deletes its caches");
  }

  @Test
  void aNameTakenByAModelOrAnotherRerankerCannotBeAddedAgain() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> quarry.addReranker("e5-small-v2-q", (q, c) -> new RerankOutcome.Unavailable("x")));
    assertEquals("re-ranker 'e5-small-v2-q' is already defined", e.getMessage());
  }
}

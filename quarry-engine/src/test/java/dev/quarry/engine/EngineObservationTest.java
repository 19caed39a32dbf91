package dev.quarry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.observe.CacheName;
import dev.quarry.core.observe.CacheObserver;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.engine.ingest.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage timing and the two in-memory caches, on the real model and a real index. */
class EngineObservationTest {

  record Run(Stage stage, long wallNanos, long cpuNanos) {}

  /** Everything the engine reported, in order. */
  static final class Recorder implements StageObserver, CacheObserver {
    final List<Run> runs = new ArrayList<>();
    final Map<CacheName, long[]> lookups = new EnumMap<>(CacheName.class);

    @Override
    public synchronized void record(Stage stage, long wallNanos, long cpuNanos) {
      runs.add(new Run(stage, wallNanos, cpuNanos));
    }

    @Override
    public synchronized void lookups(CacheName cache, int hits, int misses) {
      long[] counts = lookups.computeIfAbsent(cache, c -> new long[2]);
      counts[0] += hits;
      counts[1] += misses;
    }

    synchronized long hits(CacheName cache) {
      return lookups.getOrDefault(cache, new long[2])[0];
    }

    synchronized long misses(CacheName cache) {
      return lookups.getOrDefault(cache, new long[2])[1];
    }

    synchronized List<Run> of(Stage stage) {
      return runs.stream().filter(r -> r.stage() == stage).toList();
    }

    synchronized void clear() {
      runs.clear();
      lookups.clear();
    }
  }

  @TempDir Path data;
  @TempDir Path files;

  private Quarry open(CacheSettings caches, Recorder recorder) {
    return Quarry.open(EngineConfig.defaults(data).withCaches(caches), recorder, recorder);
  }

  private Collection withDocuments(Quarry quarry, String name) throws IOException {
    Files.writeString(files.resolve("zebra.txt"), "Zebras graze on the savanna grasslands in large herds.");
    Files.writeString(files.resolve("tide.txt"), "Tides rise and fall twice a day as the moon pulls the oceans.");
    Collection c = quarry.openOrCreate(name, Optional.empty());
    c.ingest(quarry.files(files), ProgressListener.NONE);
    return c;
  }

  private static List<String> ids(SearchResponse response) {
    return response.hits().stream().map(h -> h.chunk().documentId()).toList();
  }

  @Test
  void ingestionAndAHybridSearchReportEveryStageWithItsCpuTime() throws IOException {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.OFF, recorder)) {
      Collection c = withDocuments(quarry, "stages");
      assertEquals(2, recorder.of(Stage.PARSE).size(), recorder.runs.toString());
      assertEquals(2, recorder.of(Stage.CHUNK).size());
      assertFalse(recorder.of(Stage.EMBED_DOCUMENTS).isEmpty());
      assertFalse(recorder.of(Stage.INDEX).isEmpty());
      recorder.clear();

      c.search(SearchRequest.of("animals of the savanna"));
      for (Stage s : List.of(Stage.EMBED_QUERY, Stage.RETRIEVE_LEXICAL, Stage.RETRIEVE_VECTOR, Stage.FUSE, Stage.LOAD)) {
        List<Run> runs = recorder.of(s);
        assertEquals(1, runs.size(), s + ": " + recorder.runs);
        assertTrue(runs.getFirst().cpuNanos() >= 0, s + " has no CPU time: " + runs.getFirst());
      }
      assertEquals(5, recorder.runs.size(), recorder.runs.toString());
      // the model runs on its own worker threads: their CPU is charged to the query's embed stage
      Run embed = recorder.of(Stage.EMBED_QUERY).getFirst();
      assertTrue(embed.cpuNanos() > 100_000, "embedding the query used only " + embed.cpuNanos() + " ns of CPU");
    }
  }

  @Test
  void aSearchCalledOnAVirtualThreadStillHasItsCpuMeasured() throws Exception {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.OFF, recorder)) {
      Collection c = withDocuments(quarry, "virtual");
      recorder.clear();
      AtomicReference<SearchResponse> response = new AtomicReference<>();
      Thread.ofVirtual().start(() -> response.set(c.search(SearchRequest.of("moon and oceans")))).join();
      assertEquals("tide.txt", ids(response.get()).getFirst());
      assertEquals(5, recorder.runs.size(), recorder.runs.toString());
      assertTrue(recorder.runs.stream().allMatch(r -> r.cpuNanos() >= 0), recorder.runs.toString());
    }
  }

  @Test
  void aRepeatedSearchIsAHitUntilAWriteMovesTheGeneration() throws IOException {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.DEFAULT, recorder)) {
      Collection c = withDocuments(quarry, "results");
      SearchRequest request = SearchRequest.of("zebras on the savanna");
      SearchResponse first = c.search(request);
      recorder.clear();
      assertSame(first, c.search(request));
      assertEquals(1, recorder.hits(CacheName.SEARCH_RESULT));
      assertEquals(0, recorder.misses(CacheName.SEARCH_RESULT));
      assertTrue(recorder.runs.isEmpty(), "a cached answer runs no stage: " + recorder.runs);
      assertNotSame(first, c.search(request.withK(1)), "another k is another request");

      Files.writeString(files.resolve("zebra.txt"), "Zebras now live on the savanna beside a river full of hippos.");
      c.ingest(quarry.files(files), ProgressListener.NONE);
      recorder.clear();
      SearchResponse afterUpsert = c.search(request);
      assertEquals(0, recorder.hits(CacheName.SEARCH_RESULT));
      assertTrue(afterUpsert.generation() > first.generation());
      assertTrue(afterUpsert.hits().getFirst().chunk().text().contains("hippos"), afterUpsert.toString());
    }
  }

  @Test
  void aDeletedDocumentIsNeverServedFromTheCache() throws IOException {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.DEFAULT, recorder)) {
      Collection c = withDocuments(quarry, "deleted");
      SearchRequest request = SearchRequest.of("zebras grazing on the savanna");
      for (SearchMode mode : SearchMode.values()) {
        c.search(request.withMode(mode));
        assertEquals("zebra.txt", ids(c.search(request.withMode(mode))).getFirst(), mode.name());
      }
      assertEquals(3, recorder.hits(CacheName.SEARCH_RESULT));
      assertTrue(c.delete("zebra.txt"));
      for (SearchMode mode : SearchMode.values()) {
        assertFalse(ids(c.search(request.withMode(mode))).contains("zebra.txt"), mode.name());
        assertFalse(ids(c.search(request.withMode(mode))).contains("zebra.txt"), mode + ", cached after the delete");
      }
      assertEquals(6, recorder.hits(CacheName.SEARCH_RESULT));
    }
  }

  @Test
  void aCollectionDroppedAndCreatedAgainStartsWithNothingCached() throws IOException {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.DEFAULT, recorder)) {
      SearchRequest request = SearchRequest.of("zebras").withMode(SearchMode.LEXICAL);
      Collection old = withDocuments(quarry, "again");
      assertEquals(List.of("zebra.txt"), ids(old.search(request)));
      assertTrue(quarry.drop("again"));
      Collection fresh = quarry.openOrCreate("again", Optional.empty());
      recorder.clear();
      assertEquals(List.of(), ids(fresh.search(request)));
      assertEquals(0, recorder.hits(CacheName.SEARCH_RESULT));
    }
  }

  @Test
  void oneTenantsCachedQueryVectorIsNotServedToAnother() throws IOException {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.DEFAULT.withSearchResults(0), recorder)) {
      Collection a = withDocuments(quarry, "tenant-a--docs");
      Collection b = withDocuments(quarry, "tenant-b--docs");
      SearchRequest request = SearchRequest.of("secret acquisition plans").withMode(SearchMode.VECTOR);
      a.search(request);
      b.search(request);
      assertEquals(0, recorder.hits(CacheName.QUERY_VECTOR));
      assertEquals(2, recorder.misses(CacheName.QUERY_VECTOR));
      a.search(request);
      assertEquals(1, recorder.hits(CacheName.QUERY_VECTOR));
      assertTrue(recorder.lookups.get(CacheName.SEARCH_RESULT) == null, "the result cache is off");
    }
  }

  @Test
  void withTheCachesOffEveryQueryRunsTheModel() throws IOException {
    Recorder recorder = new Recorder();
    try (Quarry quarry = open(CacheSettings.OFF, recorder)) {
      Collection c = withDocuments(quarry, "uncached");
      recorder.clear();
      for (int i = 0; i < 3; i++) {
        c.search(SearchRequest.of("zebras on the savanna"));
      }
      assertTrue(recorder.lookups.isEmpty(), "no cache was asked: " + recorder.lookups.keySet());
      List<Run> embeds = recorder.of(Stage.EMBED_QUERY);
      assertEquals(3, embeds.size());
      // each embedding charged the model's CPU: a cache lookup costs a few microseconds
      assertTrue(embeds.stream().allMatch(r -> r.cpuNanos() > 100_000), embeds.toString());
    }
  }
}

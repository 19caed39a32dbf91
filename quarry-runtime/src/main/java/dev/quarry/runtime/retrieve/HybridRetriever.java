package dev.quarry.runtime.retrieve;

import dev.quarry.core.error.QuarryException;
import dev.quarry.core.error.StorageException;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.observe.RequestDeadline;
import dev.quarry.core.observe.TaskObserver;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.runtime.DeadlineExceeded;
import dev.quarry.runtime.text.Terms;
import dev.quarry.search.fingerprint.ConfigFingerprint;
import dev.quarry.search.fusion.ListWeights;
import dev.quarry.search.fusion.ReciprocalRankFusion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each source's search as that collection is configured to search ({@link Source}: mode, fusion,
 * re-ranking), chunk by chunk, the collections searched at once on virtual threads; several
 * collections' lists are fused by reciprocal rank (their scores are not comparable, their ranks
 * are), and chunks of equal fused score (the best of each collection, say) are ordered by the share
 * of the query's content words they hold. Waits for the searches until the deadline and no longer:
 * a search still running then is interrupted.
 *
 * <p>A re-ranker inside a search gets {@value #RERANK_SHARE_PERCENT}% of the time left when
 * retrieval starts ({@link RequestDeadline}), whatever its own timeout, so that one that hangs
 * leaves time to assemble and generate: it gives up, the search keeps its fused order, and the
 * retrieval reports it in {@link Retrieval#degraded()}.
 */
public final class HybridRetriever implements PassageRetriever {

  /** The share of the time left that a search's re-ranker may take. */
  static final int RERANK_SHARE_PERCENT = 75;
  private static final char KEY_SEPARATOR = '\u0000';

  private final Clock clock;

  public HybridRetriever(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Retrieval retrieve(String query, List<Source> sources, int k, Optional<Filter> filter, Instant deadline) {
    if (sources.isEmpty()) {
      return Retrieval.EMPTY;
    }
    Instant now = clock.instant();
    Instant rerankDeadline = now.plus(Duration.between(now, deadline).multipliedBy(RERANK_SHARE_PERCENT).dividedBy(100));
    List<SearchResponse> responses = new ArrayList<>();
    Map<String, float[]> vectors = new ConcurrentHashMap<>();
    try (ExecutorService searches = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<SearchResponse>> running = new ArrayList<>();
      for (Source s : sources) {
        SearchRequest request = s.request(query, k, filter);
        running.add(searches.submit(TaskObserver.carried(() -> RequestDeadline.within(rerankDeadline,
            () -> s.collection().search(request, v -> vectors.put(s.name(), v))))));
      }
      try {
        for (Future<SearchResponse> f : running) {
          long left = Duration.between(clock.instant(), deadline).toNanos();
          responses.add(f.get(Math.max(0, left), TimeUnit.NANOSECONDS));
        }
      } catch (TimeoutException e) {
        running.forEach(f -> f.cancel(true));
        throw new DeadlineExceeded("the search of " + sources.size() + " collection(s) did not finish in time");
      } catch (InterruptedException e) {
        running.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new DeadlineExceeded("interrupted while searching");
      } catch (ExecutionException e) {
        running.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof QuarryException q) {
          throw q;
        }
        if (e.getCause() instanceof IllegalArgumentException bad) {
          throw bad;
        }
        throw new StorageException("search failed: " + e.getCause(), e.getCause());
      }
    }
    Map<String, Long> generations = new LinkedHashMap<>();
    List<String> degraded = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      String name = sources.get(i).name();
      generations.put(name, responses.get(i).generation());
      responses.get(i).degraded().ifPresent(why -> degraded.add(
          sources.size() == 1 ? why : "collection " + name + ": " + why));
    }
    if (sources.size() == 1) {
      String name = sources.getFirst().name();
      return new Retrieval(responses.getFirst().hits().stream()
          .map(h -> new RetrievedChunk(name, h.chunk(), h.score())).toList(), generations, vectors, degraded);
    }
    return new Retrieval(fuse(query, sources, responses, k), generations, vectors, degraded);
  }

  /**
   * The configuration fingerprint of retrieving {@code k} chunks from {@code sources} (see {@link
   * ConfigFingerprint}): each collection's, combined when there are several.
   */
  public static String fingerprint(List<Source> sources, int k) {
    SortedMap<String, String> each = new TreeMap<>();
    for (Source s : sources) {
      each.put(s.name(), s.collection().fingerprint(s.request("fingerprint", k, Optional.empty())));
    }
    return each.isEmpty() ? "none" : ConfigFingerprint.combine(each);
  }

  /** Reciprocal rank fusion of the collections' lists, each chunk keyed by its collection too. */
  private static List<RetrievedChunk> fuse(String query, List<Source> sources, List<SearchResponse> responses, int k) {
    Map<String, RetrievedChunk> byKey = new HashMap<>();
    List<RankedList> lists = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      String name = sources.get(i).name();
      List<ScoredChunkRef> items = new ArrayList<>();
      for (Hit h : responses.get(i).hits()) {
        StoredChunk c = h.chunk();
        String key = name + KEY_SEPARATOR + c.chunkId();
        byKey.put(key, new RetrievedChunk(name, c, h.score()));
        items.add(new ScoredChunkRef(key, name + KEY_SEPARATOR + c.documentId(), (float) h.score()));
      }
      lists.add(new RankedList(name, items, responses.get(i).generation()));
    }
    List<RetrievedChunk> out = new ArrayList<>();
    for (FusedResult r : new ReciprocalRankFusion(60, ListWeights.equal()).fuse(lists, k)) {
      RetrievedChunk c = byKey.get(r.chunkId());
      out.add(new RetrievedChunk(c.collection(), c.chunk(), r.score()));
    }
    Set<String> terms = Terms.content(query);
    Map<RetrievedChunk, Double> coverage = new HashMap<>();
    out.forEach(c -> coverage.put(c, Terms.coverage(terms, Terms.content(c.chunk().text()))));
    out.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed()
        .thenComparing(Comparator.comparingDouble((RetrievedChunk c) -> coverage.get(c)).reversed()));
    return out;
  }
}

package dev.quarry.search;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.index.ChunkIndex;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.Explanation;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.ScoredChunkRef;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.search.fusion.Fusers;
import dev.quarry.search.snippet.Snippets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Answers a {@link SearchRequest} over one collection: embeds the query (for vector and hybrid),
 * runs each retriever with the filter inside it, groups chunks by document when asked (a document
 * ranks where its best chunk ranks, per retriever, before fusion), fuses, pages, and loads the
 * stored chunks of the page only.
 */
public final class Searcher {

  /** Runs the lexical side of a hybrid query beside the query embedding: one virtual thread each. */
  private static final ExecutorService PARALLEL = Executors.newVirtualThreadPerTaskExecutor();

  /** Longest snippet returned with a hit, in characters. */
  public static final int SNIPPET_CHARS = 240;

  private final ChunkIndex index;
  private final Embedder embedder;

  public Searcher(ChunkIndex index, Embedder embedder) {
    this.index = index;
    this.embedder = embedder;
  }

  public SearchResponse search(SearchRequest request) {
    Ranking ranking = rank(request);
    List<FusedResult> ranked = ranking.results();
    int from = Math.min(request.offset(), ranked.size());
    int to = Math.min(request.offset() + request.k(), ranked.size());
    List<FusedResult> page = ranked.subList(from, to);
    List<StoredChunk> chunks = index.load(page.stream().map(FusedResult::chunkId).toList());
    Map<String, StoredChunk> byId = new HashMap<>();
    chunks.forEach(c -> byId.put(c.chunkId(), c));
    String fusionName = describe(request);
    List<Hit> hits = new ArrayList<>(page.size());
    for (FusedResult r : page) {
      StoredChunk chunk = byId.get(r.chunkId());
      if (chunk == null) {
        continue; // deleted between retrieval and load: never return what is gone
      }
      Optional<Explanation> explanation =
          request.explain()
              ? Optional.of(new Explanation(fusionName, r.score(), r.contributions()))
              : Optional.empty();
      hits.add(new Hit(chunk, r.score(), Snippets.of(chunk.text(), request.query(), SNIPPET_CHARS), explanation));
    }
    return new SearchResponse(hits, ranking.generation());
  }

  /** A full ranking and the lowest index generation its retrievers read. */
  public record Ranking(List<FusedResult> results, long generation) {
    public Ranking {
      results = List.copyOf(results);
    }
  }

  /**
   * The full ranking (up to {@code candidates}) without loading stored fields. Used by search and
   * by evaluation, which needs deep rankings but no text.
   */
  public Ranking rank(SearchRequest request) {
    int depth = request.candidates();
    List<RankedList> lists = new ArrayList<>(2);
    switch (request.mode()) {
      case LEXICAL -> lists.add(lexical(request, depth));
      case VECTOR -> lists.add(vector(request, depth));
      case HYBRID -> {
        // BM25 runs while the query is embedded: the two are independent, and embedding is the
        // longest step of a hybrid query
        Future<RankedList> lexical = PARALLEL.submit(() -> lexical(request, depth));
        RankedList vector = vector(request, depth);
        lists.add(await(lexical));
        lists.add(vector);
      }
    }
    long generation = lists.stream().mapToLong(RankedList::generation).min().orElse(0);
    if (request.grouping() == Grouping.DOCUMENT) {
      lists = oneChunkPerDocument(lists.stream().map(Searcher::bestChunkPerDocument).toList());
    }
    if (lists.size() == 1) {
      return new Ranking(single(lists.getFirst()), generation);
    }
    return new Ranking(Fusers.of(request.fusion()).fuse(lists, depth), generation);
  }

  private RankedList lexical(SearchRequest request, int depth) {
    RetrievalQuery query = new RetrievalQuery(request.query(), null, request.filter());
    return renamed(index.lexical().retrieve(query, depth), Fusers.LEXICAL);
  }

  private RankedList vector(SearchRequest request, int depth) {
    float[] vector = embedder.embed(List.of(request.query()), InputKind.QUERY)[0];
    RetrievalQuery query = new RetrievalQuery(request.query(), vector, request.filter());
    return renamed(index.vector().retrieve(query, depth), Fusers.VECTOR);
  }

  private static RankedList await(Future<RankedList> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrieving", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("lexical retrieval failed: " + e.getCause(), e.getCause());
    }
  }

  private static RankedList renamed(RankedList list, String name) {
    return list.retriever().equals(name) ? list : new RankedList(name, list.items(), list.generation());
  }

  static RankedList bestChunkPerDocument(RankedList list) {
    Set<String> seen = new HashSet<>();
    List<ScoredChunkRef> best = new ArrayList<>();
    for (ScoredChunkRef item : list.items()) {
      if (seen.add(item.documentId())) {
        best.add(item);
      }
    }
    return new RankedList(list.retriever(), best, list.generation());
  }

  /**
   * Makes every list name the same chunk for a document, so fusion adds up a document's ranks
   * even when the lexical and vector sides liked different chunks of it. The representative is
   * the chunk at the best rank in any list (the first list wins a tie); scores are kept.
   */
  static List<RankedList> oneChunkPerDocument(List<RankedList> lists) {
    if (lists.size() < 2) {
      return lists;
    }
    Map<String, String> representative = new HashMap<>();
    Map<String, Integer> bestRank = new HashMap<>();
    for (RankedList list : lists) {
      for (int i = 0; i < list.items().size(); i++) {
        ScoredChunkRef item = list.items().get(i);
        Integer best = bestRank.get(item.documentId());
        if (best == null || i < best) {
          bestRank.put(item.documentId(), i);
          representative.put(item.documentId(), item.chunkId());
        }
      }
    }
    List<RankedList> out = new ArrayList<>(lists.size());
    for (RankedList list : lists) {
      List<ScoredChunkRef> items = new ArrayList<>(list.items().size());
      for (ScoredChunkRef item : list.items()) {
        String chunk = representative.get(item.documentId());
        items.add(chunk.equals(item.chunkId()) ? item : new ScoredChunkRef(chunk, item.documentId(), item.score()));
      }
      out.add(new RankedList(list.retriever(), items, list.generation()));
    }
    return out;
  }

  private static List<FusedResult> single(RankedList list) {
    List<FusedResult> out = new ArrayList<>(list.items().size());
    for (int i = 0; i < list.items().size(); i++) {
      ScoredChunkRef item = list.items().get(i);
      out.add(new FusedResult(item.chunkId(), item.documentId(), item.score(),
          List.of(new Contribution(list.retriever(), i + 1, item.score()))));
    }
    return out;
  }

  private static String describe(SearchRequest request) {
    Fusion f = request.fusion();
    return switch (request.mode()) {
      case LEXICAL -> "lexical only";
      case VECTOR -> "vector only";
      case HYBRID -> switch (f.method()) {
        case RRF -> "rrf(rank_constant=" + f.rankConstant() + ", vector_weight=" + f.vectorWeight() + ")";
        case WEIGHTED -> "weighted(min-max normalised, vector_weight=" + f.vectorWeight() + ")";
      };
    };
  }
}

package dev.quarry.search;

import dev.quarry.core.embed.Embedder;
import dev.quarry.core.embed.InputKind;
import dev.quarry.core.index.ChunkIndex;
import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.index.StoredVector;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import dev.quarry.core.observe.StageTimer;
import dev.quarry.core.observe.TaskObserver;
import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.Explanation;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Hit;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.RerankCandidate;
import dev.quarry.core.search.RerankExplanation;
import dev.quarry.core.search.RerankOutcome;
import dev.quarry.core.search.Reranker;
import dev.quarry.core.search.Rerankers;
import dev.quarry.core.search.RetrievalQuery;
import dev.quarry.core.search.Retriever;
import dev.quarry.core.search.ScoredChunkRef;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.SearchResponse;
import dev.quarry.core.search.VectorFeedback;
import dev.quarry.search.feedback.RocchioRefinement;
import dev.quarry.search.fusion.CandidateTexts;
import dev.quarry.search.fusion.CompletingFuser;
import dev.quarry.search.fusion.Fusers;
import dev.quarry.search.fusion.LearnedScoreFusion;
import dev.quarry.search.rerank.RerankBlend;
import dev.quarry.search.snippet.Snippets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers a {@link SearchRequest} over one collection: embeds the query (for vector and hybrid),
 * runs each retriever with the filter inside it, groups chunks by document when asked (a document
 * ranks where its best chunk ranks, per retriever, before fusion), fuses, re-ranks the best fused
 * candidates when the request names a re-ranker, pages, and loads the stored chunks of the page
 * only (and, before fusing, of every candidate when a learned fusion model weighs text features,
 * which read them; see {@link LearnedScoreFusion}). With score completion ({@link
 * Fusion#complete()}) each retriever also scores, inside the fusion stage, the candidates it did
 * not retrieve, at the level fusion sees: a document's best chunk when grouping by document. With
 * vector feedback ({@link SearchRequest#feedback()}) the first pass's best results refine the query
 * vector and a second vector search replaces the vector list before fusing again.
 *
 * <p>Each stage (query embedding, lexical and vector retrieval, fusion, loading) is reported to the
 * {@link StageObserver} with its wall and CPU time. Decision: the JVM cannot measure the CPU time of
 * a virtual thread ({@code ThreadCpu}), so an observed search called on one (every server request)
 * runs on a platform thread of this class's pool and the caller waits; the hand-over costs about
 * 50 us (docs/metrics.md) and is skipped when nothing observes. Work handed to the pool carries
 * the caller's {@link TaskObserver}, so its stages are still attributed to the caller's task.
 */
public final class Searcher {

  /**
   * Platform threads ({@code quarry-search-<n>}) for the lexical side of a hybrid query, which runs
   * beside the query embedding, and for observed searches called on virtual threads. Idle threads
   * end after a minute.
   */
  private static final ExecutorService PARALLEL = Executors.newCachedThreadPool(searchThreads());

  /** Longest snippet returned with a hit, in characters. */
  public static final int SNIPPET_CHARS = 240;

  private final ChunkIndex index;
  private final Embedder embedder;
  private final StageObserver observer;
  private final Rerankers rerankers;

  public Searcher(ChunkIndex index, Embedder embedder) {
    this(index, embedder, StageObserver.NONE);
  }

  /** A searcher that reports the time of each stage of each search to {@code observer}. */
  public Searcher(ChunkIndex index, Embedder embedder, StageObserver observer) {
    this(index, embedder, observer, Rerankers.NONE);
  }

  /** A searcher whose requests may name any of {@code rerankers}. */
  public Searcher(ChunkIndex index, Embedder embedder, StageObserver observer, Rerankers rerankers) {
    this.index = index;
    this.embedder = embedder;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.rerankers = Objects.requireNonNull(rerankers, "rerankers");
  }

  public SearchResponse search(SearchRequest request) {
    return search(request, QUERY_VECTOR_IGNORED);
  }

  /**
   * {@link #search(SearchRequest)}, handing the query vector the search computed (a copy) to {@code
   * queryVector}: a caller that needs the query's embedding too (the extractive answerer) need not
   * embed it again. Not called when the search embeds no query (lexical mode).
   */
  public SearchResponse search(SearchRequest request, Consumer<float[]> queryVector) {
    Objects.requireNonNull(queryVector, "queryVector");
    if (observer != StageObserver.NONE && Thread.currentThread().isVirtual()) {
      return await(PARALLEL.submit(TaskObserver.carried(() -> searchHere(request, queryVector))));
    }
    return searchHere(request, queryVector);
  }

  private static final Consumer<float[]> QUERY_VECTOR_IGNORED = v -> { };

  private SearchResponse searchHere(SearchRequest request, Consumer<float[]> queryVector) {
    Ranking ranking = rank(request, queryVector);
    List<FusedResult> ranked = ranking.results();
    int from = Math.min(request.offset(), ranked.size());
    int to = Math.min(request.offset() + request.k(), ranked.size());
    List<FusedResult> page = ranked.subList(from, to);
    return StageTimer.time(observer, Stage.LOAD, () -> page(request, page, ranking));
  }

  private SearchResponse page(SearchRequest request, List<FusedResult> page, Ranking ranking) {
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
      Optional<RerankExplanation> reranked = Optional.ofNullable(ranking.reranked().get(r.chunkId()));
      Optional<Explanation> explanation =
          request.explain()
              ? Optional.of(new Explanation(fusionName,
                  reranked.map(RerankExplanation::firstStageScore)
                      .orElse(ranking.tailFusedScores().getOrDefault(r.chunkId(), r.score())),
                  r.contributions(), reranked))
              : Optional.empty();
      hits.add(new Hit(chunk, r.score(), Snippets.of(chunk.text(), request.query(), SNIPPET_CHARS), explanation));
    }
    return new SearchResponse(hits, ranking.generation(), ranking.degraded());
  }

  /**
   * A full ranking and the lowest index generation its retrievers read; when re-ranked, the stage
   * scores of each re-scored chunk, the fused scores of the rest (whose scores were moved below the
   * re-scored head), and why re-ranking was skipped if it was ({@code degraded}).
   */
  public record Ranking(List<FusedResult> results, long generation, Map<String, RerankExplanation> reranked,
      Map<String, Double> tailFusedScores, Optional<String> degraded) {
    public Ranking {
      results = List.copyOf(results);
      reranked = Map.copyOf(reranked);
      tailFusedScores = Map.copyOf(tailFusedScores);
      degraded = degraded == null ? Optional.empty() : degraded;
    }

    public Ranking(List<FusedResult> results, long generation) {
      this(results, generation, Map.of(), Map.of(), Optional.empty());
    }
  }

  /**
   * The full ranking (up to {@code candidates}) without loading stored fields. Used by search and
   * by evaluation, which needs deep rankings but no text.
   */
  public Ranking rank(SearchRequest request) {
    return rank(request, QUERY_VECTOR_IGNORED);
  }

  private Ranking rank(SearchRequest request, Consumer<float[]> queryVector) {
    Optional<Reranker> reranker = request.rerank().map(r -> rerankers.find(r.reranker()).orElseThrow(
        () -> new InvalidInputException("unknown re-ranker '" + r.reranker() + "'; known: " + rerankers.names())));
    // the re-ranker's query-only work (a second model's query embedding) overlaps retrieval
    Optional<Future<?>> prepared = reranker.map(r -> PARALLEL.submit(TaskObserver.carried(() -> r.prepare(request.query()))));
    int depth = request.candidates();
    AtomicReference<float[]> vector = new AtomicReference<>();
    List<RankedList> lists = retrieve(request, depth, v -> {
      vector.set(v);
      queryVector.accept(v.clone());
    });
    long generation = lists.stream().mapToLong(RankedList::generation).min().orElse(0);
    RetrievalQuery query = new RetrievalQuery(request.query(), vector.get(), request.filter());
    Ranking first = StageTimer.time(observer, Stage.FUSE, () -> fuse(request, query, lists, depth, generation));
    Ranking fused = request.feedback().isPresent() && request.mode() != SearchMode.LEXICAL
        ? StageTimer.time(observer, Stage.FEEDBACK,
            () -> withFeedback(request, request.feedback().get(), vector.get(), lists, first, depth))
        : first;
    if (reranker.isEmpty()) {
      return fused;
    }
    Rerank rerank = request.rerank().get();
    return StageTimer.time(observer, Stage.RERANK, () -> {
      await(prepared.orElseThrow());
      return rerank(request.query(), fused, rerank, reranker.orElseThrow());
    });
  }

  /**
   * The second pass of vector pseudo-relevance feedback: the stored vectors of {@code first}'s best
   * {@code feedback.docs()} results (the chunk each result shows) refine the query vector ({@link
   * RocchioRefinement}), a vector search with the refined vector (the request's filter inside it,
   * {@code depth} deep) replaces the vector list, and the lists are fused again as the first pass
   * fused them. {@code first} stands when there is nothing to refine with (no results).
   */
  private Ranking withFeedback(SearchRequest request, VectorFeedback feedback, float[] queryVector, List<RankedList> lists,
      Ranking first, int depth) {
    List<String> chunkIds = first.results().stream().limit(feedback.docs()).map(FusedResult::chunkId).toList();
    List<float[]> vectors = index.vectors(chunkIds).stream().map(StoredVector::vector).toList();
    Optional<float[]> refined = RocchioRefinement.refine(queryVector, vectors, feedback.weight());
    if (refined.isEmpty()) {
      return first;
    }
    RetrievalQuery query = new RetrievalQuery(request.query(), refined.get(), request.filter());
    RankedList second = renamed(index.vector().retrieve(query, depth), Fusers.VECTOR);
    List<RankedList> replaced = lists.stream().map(l -> l.retriever().equals(Fusers.VECTOR) ? second : l).toList();
    long generation = Math.min(first.generation(), second.generation());
    return fuse(request, query, replaced, depth, generation);
  }

  /** Each retriever's list for {@code request}'s mode, {@code depth} deep. */
  private List<RankedList> retrieve(SearchRequest request, int depth, Consumer<float[]> queryVector) {
    List<RankedList> lists = new ArrayList<>(2);
    switch (request.mode()) {
      case LEXICAL -> lists.add(lexical(request, depth));
      case VECTOR -> lists.add(vector(request, depth, queryVector));
      case HYBRID -> {
        // BM25 runs while the query is embedded: the two are independent, and embedding is the
        // longest step of a hybrid query
        Future<RankedList> lexical = PARALLEL.submit(TaskObserver.carried(() -> lexical(request, depth)));
        RankedList vector = vector(request, depth, queryVector);
        lists.add(await(lexical));
        lists.add(vector);
      }
    }
    return lists;
  }

  /**
   * What fusion receives for a hybrid {@code request}: the lexical and vector lists, retrieved and
   * grouped as {@link #rank} does before fusing, and, when {@code withText}, the candidates' stored
   * chunks as learned fusion's text features read them. {@code quarry tune} fits learned fusion on
   * these, so its features are the numbers a served search computes.
   */
  public FusionInput fusionInput(SearchRequest request, boolean withText) {
    if (request.mode() != SearchMode.HYBRID) {
      throw new IllegalArgumentException("fusion input needs a hybrid request, got mode: " + request.mode());
    }
    List<RankedList> lists = grouped(request, retrieve(request, request.candidates(), QUERY_VECTOR_IGNORED));
    return new FusionInput(lists, withText ? Optional.of(texts(request.query(), lists)) : Optional.empty());
  }

  /** The lists a fusion ranks, and the candidates' texts when they were asked for. */
  public record FusionInput(List<RankedList> lists, Optional<CandidateTexts> texts) {
    public FusionInput {
      lists = List.copyOf(lists);
      Objects.requireNonNull(texts, "texts");
    }
  }

  /**
   * Re-scores the best {@code rerank.depth()} fused candidates. A candidate whose chunk is gone
   * (deleted since retrieval) leaves the ranking; a re-ranker that cannot answer leaves the fused
   * order as it was, and the ranking says why.
   */
  private Ranking rerank(String query, Ranking fused, Rerank rerank, Reranker reranker) {
    List<FusedResult> results = fused.results();
    int n = Math.min(rerank.depth(), results.size());
    Map<String, StoredChunk> byId = new HashMap<>();
    index.load(results.subList(0, n).stream().map(FusedResult::chunkId).toList()).forEach(c -> byId.put(c.chunkId(), c));
    List<FusedResult> kept = new ArrayList<>(results.size());
    List<RerankCandidate> candidates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      FusedResult r = results.get(i);
      StoredChunk chunk = byId.get(r.chunkId());
      if (chunk != null) {
        kept.add(r);
        candidates.add(new RerankCandidate(r.chunkId(), r.documentId(), RerankCandidate.textOf(chunk.title(), chunk.text())));
      }
    }
    kept.addAll(results.subList(n, results.size()));
    RerankOutcome outcome = reranker.score(query, candidates);
    return switch (outcome) {
      case RerankOutcome.Unavailable u -> new Ranking(kept, fused.generation(), Map.of(), Map.of(),
          Optional.of("re-ranker '" + rerank.reranker() + "' unavailable (" + u.reason() + "); fused order kept"));
      case RerankOutcome.Scored s -> {
        RerankBlend.Blended b = RerankBlend.apply(kept, candidates.size(), s.scores(), rerank.reranker(), rerank.weight());
        yield new Ranking(b.results(), fused.generation(), b.explanations(), b.tailFusedScores(), Optional.empty());
      }
    };
  }

  /**
   * Fuses the grouped lists. A learned model that weighs text features is handed the candidates'
   * stored chunks, loaded here (inside the fusion stage's time); no other fusion loads any.
   */
  private Ranking fuse(SearchRequest request, RetrievalQuery query, List<RankedList> retrieved, int depth,
      long generation) {
    List<RankedList> lists = grouped(request, retrieved);
    if (lists.size() == 1) {
      return new Ranking(single(lists.getFirst()), generation);
    }
    Fuser fuser = Fusers.of(request.fusion());
    if (request.fusion().complete() && fuser instanceof CompletingFuser completing) {
      return new Ranking(completing.fuse(lists, depth, completed(request.grouping(), query, lists)), generation);
    }
    if (fuser instanceof LearnedScoreFusion learned && learned.usesText()) {
      return new Ranking(learned.fuse(lists, depth, texts(request.query(), lists)), generation);
    }
    return new Ranking(fuser.fuse(lists, depth), generation);
  }

  /**
   * For each list, the scores its retriever gives the candidates of the other lists it did not
   * retrieve (raw, as {@link CompletingFuser} takes them): the chunk's own score, or under document
   * grouping the best score of any of the document's chunks, as the list's document score is. A
   * candidate the retriever cannot score (filtered out, deleted since) is left out.
   */
  private Map<String, Map<String, Float>> completed(Grouping grouping, RetrievalQuery query, List<RankedList> lists) {
    Map<String, Map<String, Float>> out = new HashMap<>();
    for (RankedList list : lists) {
      Set<String> found = new HashSet<>();
      list.items().forEach(item -> found.add(item.chunkId()));
      Map<String, String> missedChunkByDocument = new HashMap<>();
      Map<String, String> missedDocumentByChunk = new HashMap<>();
      for (RankedList other : lists) {
        for (ScoredChunkRef item : other.items()) {
          if (!found.contains(item.chunkId())) {
            missedChunkByDocument.putIfAbsent(item.documentId(), item.chunkId());
            missedDocumentByChunk.put(item.chunkId(), item.documentId());
          }
        }
      }
      if (missedDocumentByChunk.isEmpty()) {
        continue;
      }
      Retriever retriever = list.retriever().equals(Fusers.LEXICAL) ? index.lexical() : index.vector();
      RankedList scored = retriever.score(query, Set.copyOf(missedDocumentByChunk.values()));
      Map<String, Float> scores = new HashMap<>();
      for (ScoredChunkRef item : scored.items()) {
        if (grouping == Grouping.DOCUMENT) {
          String candidate = missedChunkByDocument.get(item.documentId());
          if (candidate != null) {
            scores.merge(candidate, item.score(), Math::max);
          }
        } else if (missedDocumentByChunk.containsKey(item.chunkId())) {
          scores.put(item.chunkId(), item.score());
        }
      }
      out.put(list.retriever(), scores);
    }
    return out;
  }

  private static List<RankedList> grouped(SearchRequest request, List<RankedList> lists) {
    if (request.grouping() == Grouping.DOCUMENT) {
      return oneChunkPerDocument(lists.stream().map(Searcher::bestChunkPerDocument).toList());
    }
    return lists;
  }

  /** The query and the stored chunks of every candidate of {@code lists}. */
  private CandidateTexts texts(String query, List<RankedList> lists) {
    Set<String> ids = new LinkedHashSet<>();
    for (RankedList list : lists) {
      list.items().forEach(item -> ids.add(item.chunkId()));
    }
    Map<String, StoredChunk> byId = new HashMap<>();
    index.load(List.copyOf(ids)).forEach(c -> byId.put(c.chunkId(), c));
    return new CandidateTexts(query, byId);
  }

  private RankedList lexical(SearchRequest request, int depth) {
    RetrievalQuery query = new RetrievalQuery(request.query(), null, request.filter());
    return StageTimer.time(observer, Stage.RETRIEVE_LEXICAL,
        () -> renamed(index.lexical().retrieve(query, depth), Fusers.LEXICAL));
  }

  private RankedList vector(SearchRequest request, int depth, Consumer<float[]> queryVector) {
    float[] vector = StageTimer.time(observer, Stage.EMBED_QUERY,
        () -> embedder.embed(List.of(request.query()), InputKind.QUERY)[0]);
    queryVector.accept(vector.clone());
    RetrievalQuery query = new RetrievalQuery(request.query(), vector, request.filter());
    return StageTimer.time(observer, Stage.RETRIEVE_VECTOR,
        () -> renamed(index.vector().retrieve(query, depth), Fusers.VECTOR));
  }

  private static ThreadFactory searchThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "quarry-search-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while searching", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("search failed: " + e.getCause(), e.getCause());
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

  /**
   * One retriever's list as the ranking, ties (equal scores) broken as trec_eval and fusion break
   * them: document id descending, then chunk id descending. A retriever returns ties in index order,
   * so without this the order served could differ from the order evaluated.
   */
  private static List<FusedResult> single(RankedList list) {
    List<ScoredChunkRef> items = new ArrayList<>(list.items());
    items.sort(Comparator.comparingDouble(ScoredChunkRef::score).reversed()
        .thenComparing(ScoredChunkRef::documentId, Comparator.reverseOrder())
        .thenComparing(ScoredChunkRef::chunkId, Comparator.reverseOrder()));
    List<FusedResult> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      ScoredChunkRef item = items.get(i);
      out.add(new FusedResult(item.chunkId(), item.documentId(), item.score(),
          List.of(new Contribution(list.retriever(), i + 1, item.score()))));
    }
    return out;
  }

  private static String describe(SearchRequest request) {
    String feedback = request.feedback()
        .map(fb -> ", vector feedback(docs=" + fb.docs() + ", weight=" + fb.weight() + ")").orElse("");
    return switch (request.mode()) {
      case LEXICAL -> "lexical only";
      case VECTOR -> "vector only" + feedback;
      case HYBRID -> fusion(request.fusion()) + feedback;
    };
  }

  private static String fusion(Fusion f) {
    return switch (f.method()) {
      case RRF -> "rrf(rank_constant=" + f.rankConstant() + ", vector_weight=" + f.vectorWeight() + ")";
      case WEIGHTED -> "weighted(min-max normalised, vector_weight=" + f.vectorWeight() + completion(f) + ")";
      case DBSF -> "dbsf(mean +- 3 sd normalised, vector_weight=" + f.vectorWeight() + completion(f) + ")";
      case LEARNED -> "learned(" + f.model().map(m -> m.fingerprint()).orElse("no model") + ")";
    };
  }

  private static String completion(Fusion f) {
    return f.complete() ? ", missing scores completed" : "";
  }
}

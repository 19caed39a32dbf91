package dev.quarry.server.evaluation;

import dev.quarry.core.index.Filter;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.Grouping;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.VectorFeedback;
import dev.quarry.engine.Collection;
import dev.quarry.eval.SearchFunction;
import dev.quarry.eval.metric.ScoredDoc;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a collection ranks: mode, fusion, candidates per retriever, re-ranking and vector feedback. The one place
 * search requests are made from a configuration, for {@code POST .../search}, {@code quarry eval}
 * and evaluation jobs alike, and all of them rank through the collection's one searcher ({@link
 * Collection#search} pages {@link Collection#rank}'s ranking): online and offline results of the
 * same configuration are the same ranking, and carry the same {@link #fingerprint}.
 */
public record RankingConfiguration(SearchMode mode, Fusion fusion, int candidates, Optional<Rerank> rerank,
    Optional<VectorFeedback> feedback) {

  /** The server's default: hybrid, {@link SearchRequest#DEFAULT_FUSION}, 100 candidates, no re-ranking. */
  public static final RankingConfiguration DEFAULT = new RankingConfiguration(SearchMode.HYBRID,
      SearchRequest.DEFAULT_FUSION, SearchRequest.DEFAULT_CANDIDATES, Optional.empty());

  /** Documents an evaluation ranks per query at least: the deepest cut of the metrics (Recall@100, MAP@100). */
  public static final int MIN_EVAL_DEPTH = 100;

  public RankingConfiguration {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(fusion, "fusion");
    rerank = rerank == null ? Optional.empty() : rerank;
    feedback = feedback == null ? Optional.empty() : feedback;
    if (candidates < 1 || candidates > 10 * SearchRequest.MAX_K) {
      throw new IllegalArgumentException("candidates must be in 1.." + 10 * SearchRequest.MAX_K + ", got: " + candidates);
    }
  }

  /** A configuration without vector feedback. */
  public RankingConfiguration(SearchMode mode, Fusion fusion, int candidates, Optional<Rerank> rerank) {
    this(mode, fusion, candidates, rerank, Optional.empty());
  }

  /** A search of this configuration: documents grouped, {@code k} hits after {@code offset}. */
  public SearchRequest request(String query, int k, int offset, Optional<Filter> filter, boolean explain) {
    return new SearchRequest(query, mode, k, offset, filter, fusion, Grouping.DOCUMENT, explain, candidates, rerank, feedback);
  }

  /**
   * This configuration as the API shows it and {@link EvaluationSpec#ranking} reads it back: {@code
   * mode}, {@code fusion}, {@code vector_weight}, {@code complete}, {@code candidates}, and {@code rerank} ({@code
   * reranker}, {@code depth}, {@code weight}) when it re-ranks, {@code feedback} ({@code docs}, {@code weight})
   * when it refines the query vector.
   */
  public Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("mode", mode.name().toLowerCase(Locale.ROOT));
    s.put("fusion", fusion.method().name().toLowerCase(Locale.ROOT));
    s.put("vector_weight", fusion.vectorWeight());
    s.put("complete", fusion.complete());
    s.put("candidates", candidates);
    rerank.ifPresent(r -> {
      Map<String, Object> rr = new LinkedHashMap<>();
      rr.put("reranker", r.reranker());
      rr.put("depth", r.depth());
      rr.put("weight", r.weight());
      s.put("rerank", rr);
    });
    feedback.ifPresent(f -> {
      Map<String, Object> fb = new LinkedHashMap<>();
      fb.put("docs", f.docs());
      fb.put("weight", f.weight());
      s.put("feedback", fb);
    });
    return s;
  }

  /** Documents an evaluation of this configuration ranks per query: its candidates, at least 100. */
  public int evalDepth() {
    return Math.min(SearchRequest.MAX_K, Math.max(MIN_EVAL_DEPTH, candidates));
  }

  /** The fingerprint of this configuration over {@code collection}, as its searches report it. */
  public String fingerprint(Collection collection) {
    return collection.fingerprint(request("fingerprint", evalDepth(), 0, Optional.empty(), false));
  }

  /**
   * This configuration over {@code collection} as the evaluator calls it: the ranking a search
   * pages, without loading stored text, cut at {@code depth}.
   */
  public SearchFunction over(Collection collection) {
    return (queryId, text, depth) -> collection.rank(request(text, Math.min(depth, evalDepth()), 0, Optional.empty(), false))
        .results().stream()
        .limit(depth)
        .map(hit -> new ScoredDoc(hit.documentId(), hit.score()))
        .toList();
  }
}

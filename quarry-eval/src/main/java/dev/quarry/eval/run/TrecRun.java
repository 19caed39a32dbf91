package dev.quarry.eval.run;

import dev.quarry.eval.metric.Ranking;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A run: each query's ranking (in trec_eval's order), queries in file order. */
public record TrecRun(Map<String, Ranking> rankings) {
  public TrecRun {
    LinkedHashMap<String, Ranking> copy = new LinkedHashMap<>();
    rankings.forEach(
        (queryId, ranking) -> {
          if (queryId == null || queryId.isBlank()) {
            throw new IllegalArgumentException("query id must not be blank");
          }
          copy.put(queryId, java.util.Objects.requireNonNull(ranking, "ranking of " + queryId));
        });
    rankings = Collections.unmodifiableMap(copy);
  }

  /** The ranking of a query; empty when the run has no line for it. */
  public Ranking of(String queryId) {
    return rankings.getOrDefault(queryId, Ranking.empty());
  }
}

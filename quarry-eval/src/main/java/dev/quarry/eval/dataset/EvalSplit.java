package dev.quarry.eval.dataset;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The queries of one split and their judgments. The queries are exactly the judged ones, in the
 * order of {@code queries.jsonl}; a query judged only non-relevant documents still belongs to the
 * split (it scores 0 on every metric, as with {@code trec_eval -c}).
 */
public record EvalSplit(String name, List<Query> queries, Qrels qrels) {

  public EvalSplit {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("split name must not be blank");
    }
    queries = List.copyOf(queries);
    Objects.requireNonNull(qrels, "qrels");
    Set<String> ids = new HashSet<>();
    for (Query q : queries) {
      if (!ids.add(q.id())) {
        throw new IllegalArgumentException("split '" + name + "' lists query '" + q.id() + "' twice");
      }
      if (!qrels.contains(q.id())) {
        throw new IllegalArgumentException(
            "split '" + name + "' lists query '" + q.id() + "' that has no judgments");
      }
    }
    if (ids.size() != qrels.queryIds().size()) {
      String missing =
          qrels.queryIds().stream().filter(id -> !ids.contains(id)).findFirst().orElseThrow();
      throw new IllegalArgumentException(
          "split '" + name + "' has judgments for query '" + missing + "' but no such query");
    }
  }
}

package dev.quarry.eval;

import dev.quarry.eval.metric.ScoredDoc;
import java.util.List;

/**
 * The system under evaluation, as the evaluator sees it: the best {@code depth} documents for a
 * query, with the scores they were ranked by. Called from several threads at once.
 *
 * <p>Results are evaluated in score order (trec_eval's), so scores must be non-increasing down the
 * list; ties are read in descending document id order (see {@link dev.quarry.eval.metric.Ranking}).
 */
@FunctionalInterface
public interface SearchFunction {
  List<ScoredDoc> search(String queryId, String queryText, int depth);
}

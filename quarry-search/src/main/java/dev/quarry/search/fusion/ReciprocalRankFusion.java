package dev.quarry.search.fusion;

import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import java.util.List;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a candidate's score is the
 * sum over lists of {@code w_list / (c + rank)}, with 1-based ranks and the rank constant {@code
 * c} (60 in the paper). Only ranks matter, so lists with incomparable scores (BM25, cosine) fuse
 * without calibration. Weights default to 1 for every list; {@link ListWeights} scales them.
 */
public final class ReciprocalRankFusion implements Fuser {

  private final int rankConstant;
  private final ListWeights weights;

  public ReciprocalRankFusion(int rankConstant, ListWeights weights) {
    if (rankConstant < 1) {
      throw new IllegalArgumentException("rankConstant must be at least 1, got: " + rankConstant);
    }
    this.rankConstant = rankConstant;
    this.weights = weights;
  }

  @Override
  public List<FusedResult> fuse(List<RankedList> lists, int k) {
    Accumulator acc = new Accumulator();
    for (RankedList list : lists) {
      double w = weights.of(list.retriever());
      for (int i = 0; i < list.items().size(); i++) {
        var item = list.items().get(i);
        int rank = i + 1;
        acc.add(item, list.retriever(), rank, w / (rankConstant + rank));
      }
    }
    return acc.top(k);
  }
}

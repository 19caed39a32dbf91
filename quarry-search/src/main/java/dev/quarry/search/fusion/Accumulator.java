package dev.quarry.search.fusion;

import dev.quarry.core.search.Contribution;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums fused scores per chunk and orders them: score descending, then chunk id descending. Ties
 * (common under RRF) thus break as trec_eval breaks them (document id descending), so the order
 * Quarry returns is the order an evaluation scores.
 */
final class Accumulator {

  /** Deterministic order, so pagination is stable across identical requests. */
  static final Comparator<FusedResult> ORDER =
      Comparator.comparingDouble(FusedResult::score).reversed()
          .thenComparing(FusedResult::chunkId, Comparator.reverseOrder());

  private static final class Entry {
    final String documentId;
    double score;
    final List<Contribution> contributions = new ArrayList<>(2);

    Entry(String documentId) {
      this.documentId = documentId;
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  void add(ScoredChunkRef item, String retriever, int rank, double fusedPart) {
    Entry e = entries.computeIfAbsent(item.chunkId(), id -> new Entry(item.documentId()));
    e.score += fusedPart;
    e.contributions.add(new Contribution(retriever, rank, item.score()));
  }

  /**
   * Adds a completed part ({@link Contribution#completed}) to a chunk already accumulated; a chunk
   * no list retrieved is not added.
   */
  void complete(String chunkId, String retriever, double rawScore, double fusedPart) {
    Entry e = entries.get(chunkId);
    if (e != null) {
      e.score += fusedPart;
      e.contributions.add(Contribution.completed(retriever, rawScore));
    }
  }

  List<FusedResult> top(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got: " + k);
    }
    List<FusedResult> all = new ArrayList<>(entries.size());
    entries.forEach((id, e) -> all.add(new FusedResult(id, e.documentId, e.score, e.contributions)));
    all.sort(ORDER);
    return all.size() > k ? List.copyOf(all.subList(0, k)) : all;
  }
}

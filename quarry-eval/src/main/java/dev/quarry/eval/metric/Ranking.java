package dev.quarry.eval.metric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One query's retrieved documents in trec_eval's order, which is the order every metric here reads.
 *
 * <p>trec_eval ignores the rank column of a run: it sorts a query's documents by score, highest
 * first, and breaks equal scores by document id <em>descending</em> ({@code strcmp}, i.e. byte order
 * of the UTF-8 ids). {@link #of(List)} applies exactly that order, so metrics computed here agree
 * with trec_eval on the same (document, score) pairs. The consequence for Quarry: a search result
 * is evaluated in the order of its scores, not the order it was returned in, so a retriever's
 * scores must agree with its ranking, and equal scores are read in descending document id order
 * whatever order the retriever chose for them.
 *
 * <p>A document may appear once; trec_eval refuses runs with duplicates, and so does this class.
 */
public record Ranking(List<ScoredDoc> docs) {

  /** trec_eval's order: score descending, then document id descending in UTF-8 byte order. */
  public static final Comparator<ScoredDoc> TREC_ORDER = Ranking::compareTrec;

  private static final Ranking EMPTY = new Ranking(List.of());

  /** Requires {@code docs} already in {@link #TREC_ORDER} without duplicates; see {@link #of(List)}. */
  public Ranking {
    docs = List.copyOf(docs);
    for (int i = 1; i < docs.size(); i++) {
      if (compareTrec(docs.get(i - 1), docs.get(i)) >= 0) {
        throw new IllegalArgumentException(
            "documents are not in trec_eval order at position " + i + " ('" + docs.get(i - 1).docId()
                + "' then '" + docs.get(i).docId() + "'); build rankings with Ranking.of");
      }
    }
    requireDistinct(docs);
  }

  /** Sorts {@code hits} into trec_eval's order; throws when a document appears twice. */
  public static Ranking of(List<ScoredDoc> hits) {
    List<ScoredDoc> sorted = new ArrayList<>(hits);
    requireDistinct(sorted);
    sorted.sort(TREC_ORDER);
    return new Ranking(sorted);
  }

  public static Ranking empty() {
    return EMPTY;
  }

  /** The first {@code n} documents (all of them when there are fewer). */
  public Ranking top(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be at least 0, got: " + n);
    }
    return n >= docs.size() ? this : new Ranking(docs.subList(0, n));
  }

  public int size() {
    return docs.size();
  }

  /** The document at 0-based position {@code i}, i.e. rank {@code i + 1}. */
  public ScoredDoc get(int i) {
    return docs.get(i);
  }

  private static int compareTrec(ScoredDoc a, ScoredDoc b) {
    // Primitive comparisons as in trec_eval's C comparator (so 0.0 and -0.0 tie).
    if (a.score() > b.score()) {
      return -1;
    }
    if (a.score() < b.score()) {
      return 1;
    }
    return compareUtf8(b.docId(), a.docId());
  }

  /** Compares as {@code strcmp} on UTF-8 bytes would: by Unicode code point. */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static void requireDistinct(List<ScoredDoc> docs) {
    Set<String> seen = new HashSet<>();
    for (ScoredDoc d : docs) {
      if (!seen.add(d.docId())) {
        throw new IllegalArgumentException(
            "document '" + d.docId() + "' appears twice in one ranking; trec_eval refuses duplicate documents");
      }
    }
  }
}

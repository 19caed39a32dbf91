package dev.quarry.search.fusion;

import dev.quarry.core.index.StoredChunk;
import dev.quarry.core.search.RankedList;
import dev.quarry.core.search.ScoredChunkRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-candidate features of learned fusion, computed from the lexical and vector lists alone
 * (so the same numbers come out of a search and of {@code quarry tune}). Each list is normalised
 * over its first {@code window} items, as {@link NormalizedScoreFusion} does, so the features do
 * not depend on how deep the retrievers were asked to go; an item deeper than the window counts as
 * the window's last, an absent one as below it. Per list ({@code lexical_}, {@code vector_}):
 *
 * <ul>
 *   <li>{@code minmax}: min-max normalised score (0 at the window's last item, 0 when absent);
 *   <li>{@code z}: z-score over the window (the last item's when absent or deeper);
 *   <li>{@code rrf}: {@code 61 / (60 + rank)}, 0 when absent (rank capped at the window);
 *   <li>{@code present}: 1 when the candidate is in the list's window;
 *   <li>{@code minmax_conf}: {@code minmax * c / (1 + c)}, {@code c} the list's confidence on this
 *       query ({@code (s_1 - mean) / sd} over the window, as query-adaptive weighting reads it), so
 *       a model can trust the retriever whose top hit stands out.
 * </ul>
 *
 * <p>After these {@link #LIST_NAMES}, the candidate's {@link TextFeatures} ({@code title_match},
 * {@code text_match}, {@code length}) read its stored chunk; they are filled only when the
 * candidates' texts are given ({@link #of(List, int, CandidateTexts)}), and are 0 otherwise.
 */
public final class FusionFeatures {

  private static final String[] PER_LIST = {"minmax", "z", "rrf", "present", "minmax_conf"};

  /** The features read from the two lists, lexical ones first, in the order {@link #of} fills them. */
  public static final List<String> LIST_NAMES = listNames();

  /** Every feature: {@link #LIST_NAMES}, then {@link TextFeatures#NAMES}; a model's columns. */
  public static final List<String> NAMES = concat(LIST_NAMES, TextFeatures.NAMES);

  /** The window the features normalise over when none is given: the server's candidate depth. */
  public static final int DEFAULT_WINDOW = 100;

  private static final int RANK_CONSTANT = 60;

  /** One query's candidates (each list's items, first occurrence, in list order) and features. */
  public record Candidates(List<ScoredChunkRef> items, double[][] features) {}

  private FusionFeatures() {}

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  private static List<String> listNames() {
    List<String> out = new ArrayList<>();
    for (String list : new String[] {Fusers.LEXICAL, Fusers.VECTOR}) {
      for (String f : PER_LIST) {
        out.add(list + "_" + f);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The list features of every candidate of {@code lists} (the lists named {@link Fusers#LEXICAL}
   * and {@link Fusers#VECTOR}; others are ignored); the text features are 0.
   */
  public static Candidates of(List<RankedList> lists, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got: " + window);
    }
    Map<String, Integer> index = new HashMap<>();
    List<ScoredChunkRef> items = new ArrayList<>();
    for (RankedList list : lists) {
      if (slot(list.retriever()) < 0) {
        continue;
      }
      for (ScoredChunkRef item : list.items()) {
        if (index.putIfAbsent(item.chunkId(), items.size()) == null) {
          items.add(item);
        }
      }
    }
    double[][] x = new double[items.size()][NAMES.size()];
    boolean[] seen = new boolean[2];
    for (RankedList list : lists) {
      int slot = slot(list.retriever());
      if (slot < 0 || seen[slot] || list.items().isEmpty()) {
        continue;
      }
      seen[slot] = true;
      fill(list, window, slot * PER_LIST.length, index, x);
    }
    return new Candidates(items, x);
  }

  /**
   * {@link #of(List, int)} with each candidate's {@link TextFeatures} read from its stored chunk in
   * {@code texts}; a candidate whose chunk is missing (deleted since retrieval) has them at 0.
   */
  public static Candidates of(List<RankedList> lists, int window, CandidateTexts texts) {
    Candidates c = of(lists, window);
    Set<String> queryTerms = TextFeatures.terms(texts.query());
    int at = LIST_NAMES.size();
    for (int i = 0; i < c.items().size(); i++) {
      StoredChunk chunk = texts.chunks().get(c.items().get(i).chunkId());
      if (chunk != null) {
        TextFeatures.of(queryTerms, chunk.title(), chunk.text(), c.features()[i], at);
      }
    }
    return c;
  }

  private static void fill(RankedList list, int window, int at, Map<String, Integer> index, double[][] x) {
    int cut = Math.min(window, list.items().size());
    float[] scores = new float[cut];
    for (int i = 0; i < cut; i++) {
      scores[i] = list.items().get(i).score();
    }
    double max = scores[0];
    double min = scores[cut - 1];
    double range = max - min;
    double[] ms = ScoreNormalization.meanAndSd(scores, cut);
    double confidence = NormalizedScoreFusion.confidence(scores);
    double squashed = confidence / (1 + confidence);
    double zFloor = ms[1] > 0 ? (min - ms[0]) / ms[1] : 0;
    // absent candidates: minmax 0, z at the floor, rrf 0, present 0
    for (double[] row : x) {
      row[at + 1] = zFloor;
    }
    boolean[] filled = new boolean[x.length];
    for (int i = 0; i < list.items().size(); i++) {
      Integer c = index.get(list.items().get(i).chunkId());
      if (c == null) {
        continue;
      }
      if (filled[c]) {
        continue; // a repeated item: its first (best) occurrence counts
      }
      filled[c] = true;
      double[] row = x[c];
      boolean inWindow = i < cut;
      double s = inWindow ? scores[i] : min;
      double minmax = range > 0 ? (s - min) / range : 1.0;
      row[at] = inWindow ? minmax : 0;
      row[at + 1] = ms[1] > 0 ? (s - ms[0]) / ms[1] : 0;
      row[at + 2] = (RANK_CONSTANT + 1.0) / (RANK_CONSTANT + Math.min(i + 1, cut));
      row[at + 3] = inWindow ? 1 : 0;
      row[at + 4] = row[at] * squashed;
    }
  }

  private static int slot(String retriever) {
    return switch (retriever) {
      case Fusers.LEXICAL -> 0;
      case Fusers.VECTOR -> 1;
      default -> -1;
    };
  }
}

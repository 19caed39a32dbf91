package dev.quarry.eval.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RankingTest {

  @Test
  void sortsByScoreThenByDocumentIdDescending() {
    Ranking r =
        Ranking.of(
            List.of(
                new ScoredDoc("b", 1), new ScoredDoc("z", 0.5), new ScoredDoc("a", 2), new ScoredDoc("c", 1)));
    assertEquals(List.of("a", "c", "b", "z"), r.docs().stream().map(ScoredDoc::docId).toList());
  }

  @Test
  void idsCompareByUtf8BytesAsStrcmpDoes() {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts below U+1F600 (F0 9F 98 80) in UTF-8 byte order,
    // although its UTF-16 unit (FF5E) is above the surrogate D83D that String.compareTo sees.
    String fullwidth = "\uFF5E";
    String emoji = "\uD83D\uDE00";
    assertTrue(fullwidth.compareTo(emoji) > 0);
    assertTrue(Ranking.compareUtf8(fullwidth, emoji) < 0);
    Ranking r = Ranking.of(List.of(new ScoredDoc(fullwidth, 1), new ScoredDoc(emoji, 1)));
    assertEquals(emoji, r.get(0).docId());
    assertTrue(Ranking.compareUtf8("ab", "abc") < 0);
    assertEquals(0, Ranking.compareUtf8("abc", "abc"));
  }

  @Test
  void duplicateDocumentsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Ranking.of(List.of(new ScoredDoc("d1", 2), new ScoredDoc("d2", 1), new ScoredDoc("d1", 0))));
    assertEquals(
        "document 'd1' appears twice in one ranking; trec_eval refuses duplicate documents", e.getMessage());
  }

  @Test
  void theConstructorRequiresTrecOrder() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Ranking(List.of(new ScoredDoc("a", 1), new ScoredDoc("b", 1))));
    assertTrue(e.getMessage().startsWith("documents are not in trec_eval order at position 1"), e.getMessage());
  }

  @Test
  void topCutsAndKeepsShortRankings() {
    Ranking r = Ranking.of(List.of(new ScoredDoc("a", 3), new ScoredDoc("b", 2), new ScoredDoc("c", 1)));
    assertEquals(2, r.top(2).size());
    assertSame(r, r.top(10));
    assertEquals(0, r.top(0).size());
  }

  @Test
  void scoresMustBeFiniteAndIdsNonBlank() {
    assertThrows(IllegalArgumentException.class, () -> new ScoredDoc("a", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new ScoredDoc("a", Double.NEGATIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new ScoredDoc(" ", 1));
  }

  @Property(tries = 200)
  void orderDoesNotDependOnInputOrder(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 5) Integer> scores, @ForAll long seed) {
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      hits.add(new ScoredDoc("d" + i, scores.get(i)));
    }
    Ranking sorted = Ranking.of(hits);
    List<ScoredDoc> shuffled = new ArrayList<>(hits);
    Collections.shuffle(shuffled, new Random(seed));
    assertEquals(sorted, Ranking.of(shuffled));
    for (int i = 1; i < sorted.size(); i++) {
      ScoredDoc prev = sorted.get(i - 1);
      ScoredDoc cur = sorted.get(i);
      assertTrue(prev.score() > cur.score() || (prev.score() == cur.score() && prev.docId().compareTo(cur.docId()) > 0));
    }
  }
}

package dev.quarry.eval.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Metric values worked out by hand (arithmetic in the comments). Cases marked "trec_eval:" were
 * also run through trec_eval 9 ({@code trec_eval -c -m ...}) and gave the value shown.
 */
class MetricsByHandTest {

  private static final double EPS = 1e-12;

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static Ranking ranking(Object... docAndScore) {
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < docAndScore.length; i += 2) {
      hits.add(new ScoredDoc((String) docAndScore[i], ((Number) docAndScore[i + 1]).doubleValue()));
    }
    return Ranking.of(hits);
  }

  // Judgments d1=2, d2=0, d3=-1, d4=1; ranking d3, d2, d4, d1 (scores 5, 4, 3, 2).
  private static final Judgments GRADED = Judgments.of(Map.of("d1", 2, "d2", 0, "d3", -1, "d4", 1));
  private static final Ranking GRADED_RUN = ranking("d3", 5, "d2", 4, "d4", 3, "d1", 2);

  @Test
  void ndcgUsesGradesAsGainsAndIgnoresZeroAndNegativeGrades() {
    // DCG  = 0 (d3: -1 gains 0) + 0 (d2) + 1/log2(4) + 2/log2(5) = 0.5 + 0.861353 = 1.361353
    // IDCG = 2/log2(2) + 1/log2(3) = 2 + 0.630930 = 2.630930
    // nDCG = 0.517442  (trec_eval ndcg_cut.10: 0.5174)
    double expected = (1 / log2(4) + 2 / log2(5)) / (2 + 1 / log2(3));
    assertEquals(expected, new Ndcg(10).score(GRADED_RUN, GRADED), EPS);
    assertEquals(0.517442, new Ndcg(10).score(GRADED_RUN, GRADED), 1e-6);
  }

  @Test
  void reciprocalRankIsOneOverTheRankOfTheFirstGradeOneDocument() {
    // d3 (-1) and d2 (0) are judged non-relevant; d4 at rank 3 is the first relevant: 1/3
    // (trec_eval recip_rank: 0.3333)
    assertEquals(1.0 / 3, new ReciprocalRank(10).score(GRADED_RUN, GRADED), EPS);
  }

  @Test
  void precisionAtTenDividesByTenEvenWhenFewerDocumentsCameBack() {
    // 2 relevant (d4, d1) among 4 retrieved: 2 / 10 = 0.2  (trec_eval P_10: 0.2000)
    assertEquals(0.2, new Precision(10).score(GRADED_RUN, GRADED), EPS);
  }

  @Test
  void recallCountsGradeOneAndAbove() {
    // relevant: d1, d4 (d2 = 0, d3 = -1 are not); both retrieved: 2 / 2 = 1
    assertEquals(1.0, new Recall(100).score(GRADED_RUN, GRADED), EPS);
    // at k = 3 only d4 is in: 1 / 2
    assertEquals(0.5, new Recall(3).score(GRADED_RUN, GRADED), EPS);
  }

  @Test
  void averagePrecisionSumsPrecisionAtEachRelevantRank() {
    // d4 at rank 3: P = 1/3; d1 at rank 4: P = 2/4; (1/3 + 1/2) / 2 relevant = 0.416667
    // (trec_eval map_cut.100: 0.4167)
    assertEquals((1.0 / 3 + 0.5) / 2, new AveragePrecision(100).score(GRADED_RUN, GRADED), EPS);
  }

  @Test
  void averagePrecisionDividesByAllRelevantDocumentsNotByTheCutoff() {
    // 3 relevant docs, only r1 in the top 1: (1/1) / 3 = 0.3333 (not 1/min(3, 1) = 1)
    Judgments three = Judgments.of(Map.of("r1", 1, "r2", 1, "r3", 1));
    Ranking run = ranking("r1", 3, "r2", 2, "r3", 1);
    assertEquals(1.0 / 3, new AveragePrecision(1).score(run, three), EPS);
    // at k = 3 all are found at ranks 1, 2, 3: (1 + 1 + 1) / 3 = 1
    assertEquals(1.0, new AveragePrecision(3).score(run, three), EPS);
  }

  @Test
  void gradedNdcgCutsTheIdealRankingAtK() {
    // grades x=3, y=2, z=1, w=1; ranking z, x, q (q unjudged)
    // DCG@3  = 1/log2(2) + 3/log2(3) + 0 = 1 + 1.892789 = 2.892789
    // IDCG@3 = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860 (w is cut off)
    // nDCG@3 = 0.607492  (trec_eval ndcg_cut.3: 0.6075)
    Judgments j = Judgments.of(Map.of("x", 3, "y", 2, "z", 1, "w", 1));
    Ranking run = ranking("z", 3, "x", 2, "q", 1);
    assertEquals((1 + 3 / log2(3)) / (3 + 2 / log2(3) + 0.5), new Ndcg(3).score(run, j), EPS);
    assertEquals(0.607492, new Ndcg(3).score(run, j), 1e-6);
  }

  @Test
  void tiedScoresAreReadInDescendingDocumentIdOrder() {
    // All three score 1.0, given as a, b, c; trec_eval reads c, b, a. b (relevant) is at rank 2.
    // MRR = 1/2; with d9 also relevant but not retrieved:
    // nDCG@10 = (1/log2(3)) / (1/log2(2) + 1/log2(3)) = 0.630930 / 1.630930 = 0.386853
    // (trec_eval: recip_rank 0.5000, ndcg_cut_10 0.3869)
    Judgments j = Judgments.of(Map.of("b", 1, "d9", 1));
    Ranking run = ranking("a", 1.0, "b", 1.0, "c", 1.0);
    assertEquals(List.of("c", "b", "a"), run.docs().stream().map(ScoredDoc::docId).toList());
    assertEquals(0.5, new ReciprocalRank(10).score(run, j), EPS);
    assertEquals((1 / log2(3)) / (1 + 1 / log2(3)), new Ndcg(10).score(run, j), EPS);
  }

  @Test
  void tiedIdsCompareAsStringsNotNumbers() {
    // "d9" > "d10" as strings (9 > 1 at the second character), so d9 is read first.
    // Zero and negative zero tie too, as in C.  (trec_eval recip_rank: 1.0000)
    Judgments j = Judgments.of(Map.of("d9", 1));
    Ranking run = ranking("d10", 0.0, "d9", -0.0);
    assertEquals("d9", run.get(0).docId());
    assertEquals(1.0, new ReciprocalRank(10).score(run, j), EPS);
  }

  @Test
  void higherScoreWinsOverGivenOrder() {
    // Listed first but scored lower: the relevant doc is read at rank 2.
    Judgments j = Judgments.of(Map.of("rel", 1));
    Ranking run = Ranking.of(List.of(new ScoredDoc("rel", 0.1), new ScoredDoc("other", 0.2)));
    assertEquals(0.5, new ReciprocalRank(10).score(run, j), EPS);
  }

  @Test
  void mrrAtTenIgnoresARelevantDocumentAtRankEleven() {
    // 10 non-relevant docs scored 20..11, the relevant one at 10: rank 11 -> MRR@10 = 0, MRR@20 = 1/11
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hits.add(new ScoredDoc("n" + i, 20 - i));
    }
    hits.add(new ScoredDoc("rel", 10));
    Judgments j = Judgments.of(Map.of("rel", 1));
    assertEquals(0.0, new ReciprocalRank(10).score(Ranking.of(hits), j), EPS);
    assertEquals(1.0 / 11, new ReciprocalRank(20).score(Ranking.of(hits), j), EPS);
  }

  @Test
  void documentsPastTheCutoffDoNotCountForRecallOrMap() {
    // 101 docs, the only relevant one at rank 101: recall@100 = 0, map@100 = 0; recall@101 = 1
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hits.add(new ScoredDoc("n" + i, 1000 - i));
    }
    hits.add(new ScoredDoc("rel", 1));
    Ranking run = Ranking.of(hits);
    Judgments j = Judgments.of(Map.of("rel", 1));
    assertEquals(0.0, new Recall(100).score(run, j), EPS);
    assertEquals(0.0, new AveragePrecision(100).score(run, j), EPS);
    assertEquals(1.0, new Recall(101).score(run, j), EPS);
    // AP@101 = (1/101) / 1
    assertEquals(1.0 / 101, new AveragePrecision(101).score(run, j), EPS);
  }

  @Test
  void aQueryWithoutRelevantDocumentsScoresZeroEverywhere() {
    // Only grades 0 and -2: no relevant doc, no positive gain; all measures 0, none divides by 0.
    // (trec_eval -c gives 0 for every measure on such a query)
    Judgments j = Judgments.of(Map.of("x1", 0, "x2", -2));
    BeirMetrics m = BeirMetrics.of(ranking("x1", 2, "x2", 1), j);
    assertEquals(new BeirMetrics(0, 0, 0, 0, 0), m);
  }

  @Test
  void anEmptyRankingScoresZero() {
    assertEquals(new BeirMetrics(0, 0, 0, 0, 0), BeirMetrics.of(Ranking.empty(), GRADED));
  }

  @Test
  void aPerfectRankingScoresOneExceptPrecision() {
    // 3 relevant docs at ranks 1-3: nDCG, MRR, recall, MAP = 1; P@10 = 3/10
    Judgments j = Judgments.of(Map.of("a", 2, "b", 2, "c", 1));
    BeirMetrics m = BeirMetrics.of(ranking("a", 3, "b", 2, "c", 1), j);
    assertEquals(new BeirMetrics(1, 1, 1, 0.3, 1), m);
  }

  @Test
  void beirMetricsBundleTheFiveMeasures() {
    // GRADED case: ndcg 0.517442, mrr 1/3, recall 1, p@10 0.2, map 0.416667
    BeirMetrics m = BeirMetrics.of(GRADED_RUN, GRADED);
    assertEquals(new Ndcg(10).score(GRADED_RUN, GRADED), m.ndcgAt10(), EPS);
    assertEquals(1.0 / 3, m.mrrAt10(), EPS);
    assertEquals(1.0, m.recallAt100(), EPS);
    assertEquals(0.2, m.precisionAt10(), EPS);
    assertEquals(5.0 / 12, m.mapAt100(), EPS);
    assertEquals(List.of("ndcg@10", "mrr@10", "recall@100", "p@10", "map@100"), List.copyOf(m.byName().keySet()));
  }

  @Test
  void meanAveragesOverEveryQueryIncludingZeros() {
    // (1 + 0 + 0.5) / 3 = 0.5 for each measure
    BeirMetrics one = new BeirMetrics(1, 1, 1, 1, 1);
    BeirMetrics zero = new BeirMetrics(0, 0, 0, 0, 0);
    BeirMetrics half = new BeirMetrics(0.5, 0.5, 0.5, 0.5, 0.5);
    assertEquals(half, BeirMetrics.mean(List.of(one, zero, half)));
    assertThrows(IllegalArgumentException.class, () -> BeirMetrics.mean(List.of()));
  }

  @Test
  void cutoffsMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ndcg(0));
    assertEquals("k must be at least 1, got: 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ReciprocalRank(0));
    assertThrows(IllegalArgumentException.class, () -> new Recall(-1));
    assertThrows(IllegalArgumentException.class, () -> new Precision(0));
    assertThrows(IllegalArgumentException.class, () -> new AveragePrecision(0));
  }

  @Test
  void metricValuesOutsideTheUnitIntervalAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BeirMetrics(0, 0, 1.5, 0, 0));
    assertEquals("recall@100 must be in [0, 1], got: 1.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BeirMetrics(Double.NaN, 0, 0, 0, 0));
  }
}

package dev.quarry.eval.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.eval.metric.Ranking;
import dev.quarry.eval.metric.ScoredDoc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrecRunFileTest {

  @TempDir Path dir;

  @Test
  void writesTrecEvalOrderWithOneBasedRanksAndExactScores() throws IOException {
    Ranking r =
        Ranking.of(
            List.of(
                new ScoredDoc("d10", 0.5),
                new ScoredDoc("d9", 0.5),
                new ScoredDoc("top", 0.1 + 0.2),
                new ScoredDoc("tiny", 1e-5),
                new ScoredDoc("top2", 0.3)));
    StringWriter out = new StringWriter();
    new TrecRunWriter("bm25", 10).writeQuery(out, "q1", r);
    // Ties d9/d10 by id descending; 0.1 + 0.2 = 0.30000000000000004 > 0.3 keeps its full digits.
    assertEquals(
        """
        q1 Q0 d9 1 0.5 bm25
        q1 Q0 d10 2 0.5 bm25
        q1 Q0 top 3 0.30000000000000004 bm25
        q1 Q0 top2 4 0.3 bm25
        q1 Q0 tiny 5 1.0E-5 bm25
        """,
        out.toString());
  }

  @Test
  void writesAtMostDepthDocumentsPerQuery() throws IOException {
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      hits.add(new ScoredDoc("d" + i, i));
    }
    Path f = dir.resolve("runs/r.trec");
    new TrecRunWriter("t", 3).write(f, new TrecRun(Map.of("q", Ranking.of(hits))));
    assertEquals(List.of("q Q0 d4 1 4.0 t", "q Q0 d3 2 3.0 t", "q Q0 d2 3 2.0 t"), Files.readAllLines(f));
  }

  @Test
  void roundTripsScoresThatDifferInTheLastBit() {
    double a = 1.0;
    double b = Math.nextUp(1.0);
    Map<String, Ranking> run = new LinkedHashMap<>();
    run.put("q2", Ranking.of(List.of(new ScoredDoc("x", a), new ScoredDoc("y", b))));
    run.put("q1", Ranking.empty());
    run.put("q0", Ranking.of(List.of(new ScoredDoc("z", -0.0), new ScoredDoc("w", -1e300))));
    TrecRun written = new TrecRun(run);
    Path f = dir.resolve("r.trec");
    new TrecRunWriter("t", 100).write(f, written);
    TrecRun read = TrecRunReader.read(f);
    // A query without documents leaves no line, so it does not come back.
    assertEquals(List.of("q2", "q0"), List.copyOf(read.rankings().keySet()));
    assertEquals(written.of("q2"), read.of("q2"));
    assertEquals("y", read.of("q2").get(0).docId());
    assertEquals(written.of("q0"), read.of("q0"));
    assertEquals(Ranking.empty(), read.of("q1"));
  }

  @Property(tries = 100)
  void whatIsWrittenIsReadBack(
      @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = -1e6, max = 1e6) Double> scores,
      @ForAll @IntRange(min = 1, max = 40) int depth)
      throws IOException {
    List<ScoredDoc> hits = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      hits.add(new ScoredDoc("doc-" + i, scores.get(i)));
    }
    Ranking ranking = Ranking.of(hits);
    StringWriter out = new StringWriter();
    new TrecRunWriter("prop", depth).write(out, new TrecRun(Map.of("q", ranking)));
    TrecRun read = TrecRunReader.read(new BufferedReader(new StringReader(out.toString())), "prop");
    assertEquals(ranking.top(depth), read.of("q"));
  }

  @Test
  void readerOrdersByScoreIgnoringTheRankColumn() throws IOException {
    Path f = dir.resolve("r.trec");
    Files.writeString(f, "q1 Q0 a 1 0.1 x\n\nq1\tQ0\tb\t2\t0.9\tx\nq1 Q0 c 3 0.9 other\n");
    assertEquals(
        List.of("c", "b", "a"), TrecRunReader.read(f).of("q1").docs().stream().map(ScoredDoc::docId).toList());
  }

  @Test
  void readerReportsMalformedLines() throws IOException {
    assertReadFails("q1 Q0 a 1 0.5\n", ":1: expected 6 fields 'qid Q0 docid rank score tag', got 5");
    assertReadFails("q1 Q0 a 1 0.5 t\nq1 Q0 b one 0.4 t\n", ":2: rank must be an integer, got: 'one'");
    assertReadFails("q1 Q0 a 1 high t\n", ":1: score must be a number, got: 'high'");
    assertReadFails("q1 Q0 a 1 NaN t\n", ":1: score must be finite, got: 'NaN'");
    assertReadFails("q1 Q0 a 1 0.5 t\nq2 Q0 a 1 0.5 t\nq1 Q0 a 2 0.4 t\n", ":3: document 'a' is listed twice for query 'q1'");
    NotFoundException e = assertThrows(NotFoundException.class, () -> TrecRunReader.read(dir.resolve("none")));
    assertEquals("run file not found: " + dir.resolve("none"), e.getMessage());
  }

  @Test
  void writerRefusesWhitespaceInIdsAndTags() {
    assertThrows(IllegalArgumentException.class, () -> new TrecRunWriter("my run", 10));
    assertThrows(IllegalArgumentException.class, () -> new TrecRunWriter("t", 0));
    TrecRunWriter w = new TrecRunWriter("t", 10);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> w.writeQuery(new StringWriter(), "q", Ranking.of(List.of(new ScoredDoc("a b", 1)))));
    assertEquals("document id 'a b' contains whitespace, which a TREC run file cannot hold", e.getMessage());
  }

  private void assertReadFails(String content, String suffix) throws IOException {
    Path f = Files.createTempFile(dir, "bad", ".trec");
    Files.writeString(f, content);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrecRunReader.read(f));
    assertEquals(f + suffix, e.getMessage());
  }
}

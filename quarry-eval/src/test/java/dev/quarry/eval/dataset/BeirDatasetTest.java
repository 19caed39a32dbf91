package dev.quarry.eval.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.QuarryException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {

  @TempDir Path dir;

  private static final String CORPUS =
      """
      {"_id": "d1", "title": "One", "text": "first", "metadata": {"nested": {"_id": "not this"}}}
      {"text": "second", "_id": "d2"}

      {"_id": 3, "title": "", "text": "third"}
      """;

  private static final String QUERIES =
      """
      {"_id": "q3", "text": "third query", "metadata": {"d1": [{"sentences": [1]}]}}
      {"_id": "q1", "text": "first query"}
      {"_id": 2, "text": "second query"}
      {"_id": "q4", "text": "only in train"}
      """;

  private static final String TEST_QRELS =
      "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq3\td3\t1\n2\td2\t0\n";

  @BeforeEach
  void writeDataset() throws IOException {
    write("corpus.jsonl", CORPUS);
    write("queries.jsonl", QUERIES);
    write("qrels/test.tsv", TEST_QRELS);
    write("qrels/train.tsv", "query-id\tcorpus-id\tscore\nq4\td1\t1\n");
  }

  @Test
  void aSplitHoldsTheJudgedQueriesInQueriesFileOrder() {
    EvalSplit test = BeirDataset.open(dir).split("test");
    // q3 comes first in queries.jsonl although q1 comes first in the qrels; "2" is judged only 0.
    assertEquals(
        List.of(new Query("q3", "third query"), new Query("q1", "first query"), new Query("2", "second query")),
        test.queries());
    assertEquals(Map.of("d1", 2, "d2", 0), test.qrels().of("q1"));
    assertEquals(List.of("q1", "q3", "2"), List.copyOf(test.qrels().queryIds()));
    assertEquals(4, test.qrels().judgmentCount());
    assertEquals(List.of(new Query("q4", "only in train")), BeirDataset.open(dir).split("train").queries());
  }

  @Test
  void listsSplitsAndCorpusIds() {
    BeirDataset ds = BeirDataset.open(dir);
    assertEquals(List.of("test", "train"), ds.splits());
    assertEquals(List.of("d1", "d2", "3"), ds.corpusIds());
    assertEquals(dir.resolve("corpus.jsonl"), ds.corpus());
    assertEquals(dir.getFileName().toString(), ds.name());
    assertEquals(4, ds.allQueries().size());
  }

  @Test
  void readsAGzippedCorpus() throws IOException {
    Files.delete(dir.resolve("corpus.jsonl"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("corpus.jsonl.gz")))) {
      out.write(CORPUS.getBytes(StandardCharsets.UTF_8));
    }
    BeirDataset ds = BeirDataset.open(dir);
    assertEquals(dir.resolve("corpus.jsonl.gz"), ds.corpus());
    assertEquals(List.of("d1", "d2", "3"), ds.corpusIds());
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    assertMessage(NotFoundException.class, "BEIR dataset directory not found: " + dir.resolve("nope"),
        () -> BeirDataset.open(dir.resolve("nope")));
    Files.delete(dir.resolve("queries.jsonl"));
    assertMessage(NotFoundException.class, "BEIR dataset " + dir + " has no queries.jsonl", () -> BeirDataset.open(dir));
    Files.delete(dir.resolve("corpus.jsonl"));
    assertMessage(NotFoundException.class, "BEIR dataset " + dir + " has no corpus.jsonl or corpus.jsonl.gz",
        () -> BeirDataset.open(dir));
  }

  @Test
  void aMissingQrelsDirectoryIsNamed() throws IOException {
    Files.delete(dir.resolve("qrels/test.tsv"));
    Files.delete(dir.resolve("qrels/train.tsv"));
    Files.delete(dir.resolve("qrels"));
    assertMessage(NotFoundException.class, "BEIR dataset " + dir + " has no qrels directory", () -> BeirDataset.open(dir));
  }

  @Test
  void anUnknownSplitListsTheSplitsThatExist() {
    BeirDataset ds = BeirDataset.open(dir);
    assertMessage(NotFoundException.class,
        "BEIR dataset " + dir + " has no split 'dev' (no " + dir.resolve("qrels/dev.tsv") + "); splits: [test, train]",
        () -> ds.split("dev"));
    assertMessage(InvalidInputException.class, "split must be a plain name such as 'test', got: '../test'",
        () -> ds.split("../test"));
  }

  @Test
  void judgedQueriesMissingFromQueriesFileAreAnError() throws IOException {
    write("qrels/test.tsv", TEST_QRELS + "q9\td1\t1\n");
    assertMessage(InvalidInputException.class,
        dir.resolve("qrels/test.tsv") + " judges 1 queries that " + dir.resolve("queries.jsonl") + " does not contain, e.g. 'q9'",
        () -> BeirDataset.open(dir).split("test"));
  }

  // --- qrels errors, each reported as file:line

  @Test
  void qrelsNeedTheHeader() throws IOException {
    Path f = write("qrels/test.tsv", "q1\td1\t1\n");
    assertMessage(InvalidInputException.class,
        f + ":1: expected the header 'query-id<TAB>corpus-id<TAB>score', got: 'q1\td1\t1'", () -> QrelsFile.read(f));
  }

  @Test
  void qrelsLinesNeedThreeTabSeparatedFields() throws IOException {
    Path f = write("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1 d2 1\n");
    assertMessage(InvalidInputException.class,
        f + ":3: expected 3 tab-separated fields (query-id, corpus-id, score), got 1: 'q1 d2 1'", () -> QrelsFile.read(f));
  }

  @Test
  void qrelsScoresAreIntegers() throws IOException {
    Path f = write("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n\nq1\td2\t0.5\n");
    assertMessage(InvalidInputException.class, f + ":4: score must be an integer, got: '0.5'", () -> QrelsFile.read(f));
  }

  @Test
  void qrelsRejectDuplicatesAndBadIds() throws IOException {
    Path dup = write("qrels/a.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td1\t2\n");
    assertMessage(InvalidInputException.class, dup + ":3: duplicate judgment for query 'q1' and document 'd1'",
        () -> QrelsFile.read(dup));
    Path empty = write("qrels/b.tsv", "query-id\tcorpus-id\tscore\n\td1\t1\n");
    assertMessage(InvalidInputException.class, empty + ":2: query id is empty", () -> QrelsFile.read(empty));
    Path space = write("qrels/c.tsv", "query-id\tcorpus-id\tscore\nq1\td 1\t1\n");
    assertMessage(InvalidInputException.class, space + ":2: corpus id contains whitespace: 'd 1'", () -> QrelsFile.read(space));
  }

  @Test
  void qrelsKeepNegativeGradesAsWritten() throws IOException {
    Path f = write("qrels/neg.tsv", "query-id\tcorpus-id\tscore\r\nq1\td1\t-1\r\nq1\td2\t3\r\n");
    assertEquals(Map.of("d1", -1, "d2", 3), QrelsFile.read(f).of("q1"));
  }

  @Test
  void anEmptyQrelsFileLacksTheHeader() throws IOException {
    Path f = write("qrels/empty.tsv", "");
    assertMessage(InvalidInputException.class,
        f + ":1: empty file; expected the header 'query-id<TAB>corpus-id<TAB>score'", () -> QrelsFile.read(f));
    Path headerOnly = write("qrels/header.tsv", "query-id\tcorpus-id\tscore\n");
    assertEquals(0, QrelsFile.read(headerOnly).judgmentCount());
  }

  // --- queries errors

  @Test
  void queriesMustBeJsonObjectsWithIdAndText() throws IOException {
    Path bad = write("q1.jsonl", "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\", \"text\": \n");
    QuarryException e = assertThrows(InvalidInputException.class, () -> QueriesFile.read(bad));
    assertTrue(e.getMessage().startsWith(bad + ":2: not valid JSON: "), e.getMessage());
    Path array = write("q2.jsonl", "[1, 2]\n");
    assertMessage(InvalidInputException.class, array + ":1: expected a JSON object, got: ARRAY", () -> QueriesFile.read(array));
    Path noId = write("q3.jsonl", "{\"text\": \"x\"}\n");
    assertMessage(InvalidInputException.class, noId + ":1: missing or blank string field '_id'", () -> QueriesFile.read(noId));
    Path noText = write("q4.jsonl", "{\"_id\": \"a\", \"title\": \"x\"}\n");
    assertMessage(InvalidInputException.class, noText + ":1: query 'a' has no string field 'text'", () -> QueriesFile.read(noText));
    Path dup = write("q5.jsonl", "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"a\", \"text\": \"y\"}\n");
    assertMessage(InvalidInputException.class, dup + ":2: duplicate query id 'a'", () -> QueriesFile.read(dup));
  }

  @Test
  void invalidUtf8IsReportedWithItsLine() throws IOException {
    Path f = dir.resolve("bad-utf8.jsonl");
    Files.write(f, new byte[] {'{', '}', '\n', '"', (byte) 0xC3, (byte) 0x28, '"', '\n'});
    QuarryException e = assertThrows(InvalidInputException.class, () -> QueriesFile.read(f));
    assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
    assertTrue(e.getMessage().endsWith(": not valid UTF-8"), e.getMessage());
  }

  @Test
  void corpusLinesNeedAnId() throws IOException {
    Path f = write("corpus.jsonl", "{\"_id\": \"d1\"}\n{\"title\": \"t\", \"text\": \"no id\"}\n");
    assertMessage(InvalidInputException.class, f + ":2: missing or blank string field '_id'", () -> CorpusIds.read(f));
    // Lines are parsed only up to their _id: damage before it is caught, after it is not read.
    Path g = write("corpus2.jsonl", "{\"title\": \"t\" \"_id\": \"d1\"}\n");
    QuarryException e = assertThrows(InvalidInputException.class, () -> CorpusIds.read(g));
    assertTrue(e.getMessage().startsWith(g + ":1: not valid JSON"), e.getMessage());
  }

  @Test
  void recordsCheckTheirInvariants() {
    assertThrows(IllegalArgumentException.class, () -> new Query(" ", "x"));
    assertThrows(IllegalArgumentException.class, () -> new Qrels(Map.of("q", Map.of())));
    Qrels qrels = new Qrels(Map.of("q1", Map.of("d", 1)));
    assertThrows(IllegalArgumentException.class, () -> new EvalSplit("t", List.of(new Query("q2", "x")), qrels));
    assertThrows(IllegalArgumentException.class, () -> new EvalSplit("t", List.of(), qrels));
  }

  private Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  private static void assertMessage(Class<? extends QuarryException> type, String message, Executable call) {
    QuarryException e = assertThrows(type, call);
    assertEquals(message, e.getMessage());
  }
}

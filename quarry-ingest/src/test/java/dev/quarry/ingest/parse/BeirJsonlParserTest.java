package dev.quarry.ingest.parse;

import static dev.quarry.ingest.parse.ParseRun.concat;
import static dev.quarry.ingest.parse.ParseRun.outcomes;
import static dev.quarry.ingest.parse.ParseRun.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.document.Document;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Parsed;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class BeirJsonlParserTest {

  private final BeirJsonlParser parser = new BeirJsonlParser(IngestLimits.DEFAULT);

  @Test
  void parsesOneDocumentPerLine() {
    String jsonl =
        """
        {"_id": "4983", "title": "Microstructural development", "text": "Alterations of the architecture."}
        {"_id": "5836", "text": "No title here.", "extra": [1, 2]}
        """;
    List<ParseOutcome> out = outcomes(parser, "corpus.jsonl", jsonl);
    assertEquals(2, out.size());
    Document first = parsed(out.get(0));
    assertEquals("4983", first.id());
    assertEquals("Microstructural development", first.title());
    assertEquals("Alterations of the architecture.", first.text());
    assertEquals("corpus.jsonl", first.source());
    assertTrue(first.metadata().isEmpty());
    Document second = parsed(out.get(1));
    assertEquals("5836", second.id());
    assertEquals("", second.title());
  }

  @Test
  void convertsMetadataValuesByType() {
    String line =
        """
        {"_id": "d", "text": "t", "metadata": {"url": "https://x.org", "year": 2021, "score": 0.5,
         "published": "2020-03-01", "updated": "2020-03-01T10:15:30Z", "local": "2020-03-01T10:15:30",
         "zoned": "2020-03-01T10:15:30+02:00", "tags": ["a", 3], "open": true, "empty": [],
         "nested": {"a": 1}, "mixed": ["a", {"b": 1}], "nothing": null, "": "blank key",
         "notADate": "2020-13-45"}}
        """
            .replace("\n", "");
    Document doc = parsed(outcomes(parser, "m.jsonl", line).getFirst());
    Map<String, MetadataValue> expected =
        Map.ofEntries(
            Map.entry("url", new MetadataValue.Text("https://x.org")),
            Map.entry("year", new MetadataValue.Number(2021)),
            Map.entry("score", new MetadataValue.Number(0.5)),
            Map.entry("published", new MetadataValue.Date(Instant.parse("2020-03-01T00:00:00Z"))),
            Map.entry("updated", new MetadataValue.Date(Instant.parse("2020-03-01T10:15:30Z"))),
            Map.entry("local", new MetadataValue.Date(Instant.parse("2020-03-01T10:15:30Z"))),
            Map.entry("zoned", new MetadataValue.Date(Instant.parse("2020-03-01T08:15:30Z"))),
            Map.entry("tags", new MetadataValue.TextList(List.of("a", "3"))),
            Map.entry("open", new MetadataValue.Bool(true)),
            Map.entry("empty", new MetadataValue.TextList(List.of())),
            Map.entry("notADate", new MetadataValue.Text("2020-13-45")));
    assertEquals(expected, doc.metadata().values());
  }

  @Test
  void rejectsBadLinesWithTheirLineNumberAndGoesOn() {
    String jsonl =
        String.join(
            "\n",
            "{\"_id\": \"1\", \"text\": \"one\"}",
            "{\"_id\": \"2\", \"text\": ",
            "",
            "[1, 2]",
            "{\"text\": \"no id\"}",
            "{\"_id\": 7, \"text\": \"numeric id\"}",
            "{\"_id\": \"8\"}",
            "{\"_id\": \"9\", \"text\": {\"a\": 1}}",
            "{\"_id\": \"10\", \"text\": \"t\", \"title\": 5}",
            "{\"_id\": \"11\", \"text\": \"t\", \"metadata\": [1]}",
            "{\"_id\": \" \", \"text\": \"t\"}",
            "{\"_id\": \"13\", \"text\": \"t\", \"_id\": \"x\"}",
            "{\"_id\": \"14\", \"text\": \"t\"} trailing",
            "{\"_id\": \"15\", \"text\": \"  \"}",
            "{\"_id\": \"16\", \"text\": \"last\"}");
    List<ParseOutcome> out = outcomes(parser, "corpus.jsonl", jsonl);
    assertEquals("1", parsed(out.get(0)).id());
    assertRejected(out.get(1), "corpus.jsonl:2", "malformed JSON: Unexpected end-of-input");
    assertRejected(out.get(2), "corpus.jsonl:4", "expected a JSON object, got an array");
    assertRejected(out.get(3), "corpus.jsonl:5", "missing required field '_id'");
    assertRejected(out.get(4), "corpus.jsonl:6", "'_id' must be a string, got a number");
    assertRejected(out.get(5), "corpus.jsonl:7", "missing required field 'text'");
    assertRejected(out.get(6), "corpus.jsonl:8", "'text' must be a string, got an object");
    assertRejected(out.get(7), "corpus.jsonl:9", "'title' must be a string, got a number");
    assertRejected(out.get(8), "corpus.jsonl:10", "'metadata' must be an object, got an array");
    assertRejected(out.get(9), "corpus.jsonl:11", "'_id' must not be blank");
    assertRejected(out.get(10), "corpus.jsonl:12", "malformed JSON: Duplicate field '_id'");
    assertRejected(out.get(11), "corpus.jsonl:13", "malformed JSON: Unrecognized token 'trailing'");
    assertRejected(out.get(12), "corpus.jsonl:14", "empty document ('_id' 15)");
    assertEquals("16", parsed(out.get(13)).id());
    assertEquals(14, out.size());
  }

  @Test
  void aTitleOnlyRecordKeepsItsTitleAsText() {
    Document doc = parsed(outcomes(parser, "c.jsonl", "{\"_id\": \"t\", \"title\": \"Only a title\", \"text\": \"\"}").getFirst());
    assertEquals("Only a title", doc.text());
    assertEquals("Only a title", doc.title());
  }

  @Test
  void rejectsInvalidUtf8WithTheByteOffsetInTheFile() {
    byte[] good = utf8("{\"_id\": \"1\", \"text\": \"ok\"}\n");
    byte[] bad = concat(utf8("{\"_id\": \"2\", \"text\": \"b"), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\"}\n"));
    byte[] after = utf8("{\"_id\": \"3\", \"text\": \"fine\"}\n");
    List<ParseOutcome> out = outcomes(parser, "corpus.jsonl", concat(good, bad, after));
    assertEquals(3, out.size());
    int offset = good.length + "{\"_id\": \"2\", \"text\": \"b".length();
    assertRejected(out.get(1), "corpus.jsonl:2", "invalid UTF-8 at byte " + offset);
    assertEquals("3", parsed(out.get(2)).id());
  }

  @Test
  void rejectsAnOverlongLineAndGoesOn() {
    var limited = new BeirJsonlParser(new IngestLimits(40, 1000));
    String jsonl =
        "{\"_id\": \"1\", \"text\": \"short\"}\n{\"_id\": \"2\", \"text\": \""
            + "x".repeat(100)
            + "\"}\n{\"_id\": \"3\", \"text\": \"short\"}";
    List<ParseOutcome> out = outcomes(limited, "c.jsonl", jsonl);
    assertEquals(3, out.size());
    assertRejected(out.get(1), "c.jsonl:2", "line is larger than the limit of 40 bytes (maxSourceBytes)");
    assertEquals("3", parsed(out.get(2)).id());
  }

  @Test
  void rejectsATextOverTheCharacterLimit() {
    var limited = new BeirJsonlParser(new IngestLimits(1000, 10));
    List<ParseOutcome> out = outcomes(limited, "c.jsonl", "{\"_id\": \"big\", \"text\": \"" + "y".repeat(11) + "\"}");
    assertRejected(
        out.getFirst(), "c.jsonl:1", "document has 11 characters, more than the limit of 10 (maxDocumentChars) ('_id' big)");
  }

  @Test
  void acceptsWindowsLineEndingsAByteOrderMarkAndNoFinalNewline() {
    byte[] bytes =
        concat(
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            utf8("{\"_id\": \"a\", \"text\": \"x\"}\r\n\r\n{\"_id\": \"b\", \"text\": \"y\"}"));
    List<ParseOutcome> out = outcomes(parser, "w.jsonl", bytes);
    assertEquals(List.of("a", "b"), out.stream().map(o -> parsed(o).id()).toList());
  }

  @Test
  void rejectsAFileWithoutDocuments() {
    List<ParseOutcome> out = outcomes(parser, "none.jsonl", "\n  \n");
    assertEquals(List.of(new Rejected("none.jsonl", "no documents: the JSONL file has no non-blank line")), out);
  }

  @Property(tries = 300)
  void aRecordWrittenByJacksonParsesBackToTheSameDocument(
      @ForAll("nonBlank") String id, @ForAll("wellFormed") String title, @ForAll("nonBlank") String text)
      throws Exception {
    String line = JSON.writeValueAsString(Map.of("_id", id, "title", title, "text", text));
    Document doc = parsed(outcomes(parser, "c.jsonl", line + "\n").getFirst());
    assertEquals(id, doc.id());
    assertEquals(title.strip(), doc.title());
    assertEquals(text, doc.text());
  }

  @Provide
  Arbitrary<String> wellFormed() {
    return Arbitraries.strings().ofMaxLength(40).filter(s -> s.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp)));
  }

  @Provide
  Arbitrary<String> nonBlank() {
    return wellFormed().filter(s -> !s.isBlank());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Document parsed(ParseOutcome outcome) {
    return assertInstanceOf(Parsed.class, outcome, outcome::toString).document();
  }

  private static void assertRejected(ParseOutcome outcome, String location, String reasonStart) {
    Rejected rejected = assertInstanceOf(Rejected.class, outcome, outcome::toString);
    assertEquals(location, rejected.location());
    assertTrue(rejected.reason().startsWith(reasonStart), () -> "reason: " + rejected.reason());
  }
}

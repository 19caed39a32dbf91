package dev.quarry.ingest.parse;

import static dev.quarry.ingest.parse.ParseRun.concat;
import static dev.quarry.ingest.parse.ParseRun.document;
import static dev.quarry.ingest.parse.ParseRun.rejection;
import static dev.quarry.ingest.parse.ParseRun.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Document;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import org.junit.jupiter.api.Test;

class PlainTextParserTest {

  private final PlainTextParser parser = new PlainTextParser(IngestLimits.DEFAULT);

  @Test
  void keepsTheTextAndTakesTheFirstNonBlankLineAsTitle() {
    String text = "\n  \n  Release notes  \nVersion 2 adds search.\n";
    Document doc = document(parser, "docs/notes.txt", text);
    assertEquals("docs/notes.txt", doc.id());
    assertEquals("Release notes", doc.title());
    assertEquals(text, doc.text());
    assertTrue(doc.headings().isEmpty());
    assertTrue(doc.pages().isEmpty());
  }

  @Test
  void dropsAByteOrderMark() {
    Document doc = document(parser, "bom.txt", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("Hello")));
    assertEquals("Hello", doc.text());
  }

  @Test
  void clipsALongTitleTo200CharactersWithoutSplittingASurrogatePair() {
    String line = "a".repeat(199) + "😀" + "b".repeat(50);
    Document doc = document(parser, "long.txt", line);
    assertEquals("a".repeat(199), doc.title());
    assertEquals(line, doc.text());
  }

  @Test
  void rejectsInvalidUtf8WithLineAndByteOffset() {
    // "ok\nab" then a lone continuation byte at offset 5, on line 2
    byte[] bytes = concat(utf8("ok\nab"), new byte[] {(byte) 0x80}, utf8("c"));
    Rejected rejected = rejection(parser, "bad.txt", bytes);
    assertEquals("bad.txt:2", rejected.location());
    assertEquals("invalid UTF-8 at byte 5", rejected.reason());
  }

  @Test
  void rejectsATruncatedMultiByteSequenceAtItsFirstByte() {
    byte[] bytes = concat(utf8("café "), new byte[] {(byte) 0xE2, (byte) 0x82});
    Rejected rejected = rejection(parser, "cut.txt", bytes);
    assertEquals("cut.txt:1", rejected.location());
    assertEquals("invalid UTF-8 at byte 6", rejected.reason());
  }

  @Test
  void rejectsAnEmptyFile() {
    Rejected rejected = rejection(parser, "empty.txt", new byte[0]);
    assertEquals("empty.txt", rejected.location());
    assertEquals("empty document", rejected.reason());
  }

  @Test
  void rejectsAWhitespaceOnlyFile() {
    Rejected rejected = rejection(parser, "blank.txt", " \n\t\r\n ");
    assertEquals("blank.txt", rejected.location());
    assertEquals("empty document", rejected.reason());
  }

  @Test
  void rejectsASourceOverTheByteLimit() {
    var small = new PlainTextParser(new IngestLimits(10, 100));
    Rejected rejected = rejection(small, "big.txt", "x".repeat(11));
    assertEquals("big.txt", rejected.location());
    assertEquals("source is larger than the limit of 10 bytes (maxSourceBytes)", rejected.reason());
    assertEquals("x".repeat(10), document(small, "fits.txt", "x".repeat(10)).text());
  }

  @Test
  void rejectsADocumentOverTheCharacterLimit() {
    var small = new PlainTextParser(new IngestLimits(1000, 20));
    Rejected rejected = rejection(small, "long.txt", "y".repeat(30));
    assertEquals("long.txt", rejected.location());
    assertEquals(
        "document has 30 characters, more than the limit of 20 (maxDocumentChars)", rejected.reason());
  }
}

package dev.quarry.ingest.parse;

import static dev.quarry.ingest.parse.ParseRun.concat;
import static dev.quarry.ingest.parse.ParseRun.document;
import static dev.quarry.ingest.parse.ParseRun.rejection;
import static dev.quarry.ingest.parse.ParseRun.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlParserTest {

  private final HtmlParser parser = new HtmlParser(IngestLimits.DEFAULT);

  @Test
  void keepsOnlyVisibleTextWithParagraphsSeparatedByBlankLines() {
    String html =
        """
        <!doctype html>
        <html><head><title> The   Page </title><style>p { color: red }</style>
        <script>var hidden = 1;</script></head>
        <body>
          <h1>Main   heading</h1>
          <p>First <b>bold</b>
             paragraph.</p>
          <script>alert("no")</script><noscript>enable js</noscript>
          <template><p>template text</p></template>
          <div hidden>hidden div</div>
          <p>Second&nbsp;paragraph.</p>
          <ul><li>one</li><li>two</li></ul>
          <p>a<br>b<br><br>c</p>
        </body></html>
        """;
    Document doc = document(parser, "site/page.html", html);
    assertEquals(
        "Main heading\n\nFirst bold paragraph.\n\nSecond paragraph.\n\none\ntwo\n\na\nb\n\nc",
        doc.text());
    assertEquals("The Page", doc.title());
    assertEquals("site/page.html", doc.id());
    for (String invisible : List.of("color", "hidden", "alert", "enable js", "template text")) {
      assertFalse(doc.text().contains(invisible), invisible);
    }
  }

  @Test
  void recordsHeadingsWithOffsetsIntoTheProducedText() {
    String html =
        "<body><h1>Intro</h1><p>Hello.</p><section><h2>Part <em>A</em></h2><p>x</p>"
            + "<h3>Deep</h3><p>y</p></section><h2></h2></body>";
    Document doc = document(parser, "h.htm", html);
    String text = doc.text();
    assertEquals("Intro\n\nHello.\n\nPart A\n\nx\n\nDeep\n\ny", text);
    assertEquals(
        List.of(
            new Heading(1, "Intro", 0),
            new Heading(2, "Part A", text.indexOf("Part A")),
            new Heading(3, "Deep", text.indexOf("Deep"))),
        doc.headings());
    assertEquals("Intro", doc.title(), "without <title> the first h1 is the title");
  }

  @Test
  void titleFallsBackToTheFirstLineWithoutTitleOrH1() {
    assertEquals("Some words", document(parser, "f.html", "<p>Some words</p><h2>Later</h2>").title());
  }

  @Test
  void preservesWhitespaceInsidePre() {
    Document doc = document(parser, "pre.html", "<p>Code:</p><pre>a  b\n  c</pre><p>after</p>");
    assertEquals("Code:\n\na  b\n  c\n\nafter", doc.text());
  }

  @Test
  void separatesTableCells() {
    Document doc = document(parser, "t.html", "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>");
    assertEquals("a b\nc", doc.text());
  }

  @Test
  void rejectsInvalidUtf8WithLineAndByteOffset() {
    byte[] bytes = concat(utf8("<p>ok</p>\n<p>"), new byte[] {(byte) 0xFF}, utf8("</p>"));
    Rejected rejected = rejection(parser, "bad.html", bytes);
    assertEquals("bad.html:2", rejected.location());
    assertEquals("invalid UTF-8 at byte 13", rejected.reason());
  }

  @Test
  void rejectsAPageWithoutVisibleText() {
    Rejected rejected =
        rejection(parser, "blank.html", "<html><head><title>T</title></head><body><script>x()</script> </body></html>");
    assertEquals("blank.html", rejected.location());
    assertEquals("empty document", rejected.reason());
  }

  @Test
  void appliesTheCharacterLimitToTheVisibleTextNotTheMarkup() {
    var limited = new HtmlParser(new IngestLimits(10_000, 12));
    String markup = "<div class=\"" + "x".repeat(500) + "\"><p>short text</p></div>";
    assertEquals("short text", document(limited, "ok.html", markup).text());
    Rejected rejected = rejection(limited, "long.html", "<p>" + "word ".repeat(5) + "</p>");
    assertEquals("long.html", rejected.location());
    assertEquals(
        "document has 24 characters, more than the limit of 12 (maxDocumentChars)", rejected.reason());
  }
}

package dev.quarry.ingest.parse;

import static dev.quarry.ingest.parse.ParseRun.document;
import static dev.quarry.ingest.parse.ParseRun.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Heading;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class MarkdownParserTest {

  private final MarkdownParser parser = new MarkdownParser(IngestLimits.DEFAULT);

  @Test
  void keepsTheSourceAndRecordsAtxHeadingsAtTheirLineStart() {
    String md =
        """
        # Guide

        Intro text.

        ## Install ##
        Run it.
          ### Indented up to three spaces
        #hashtag is not a heading
            # four spaces is code
        ###### Six
        ####### Seven is not a heading
        """;
    Document doc = document(parser, "guide.md", md);
    assertEquals(md, doc.text());
    assertEquals("Guide", doc.title());
    assertEquals(
        List.of(
            new Heading(1, "Guide", 0),
            new Heading(2, "Install", md.indexOf("## Install")),
            new Heading(3, "Indented up to three spaces", md.indexOf("  ### Indented")),
            new Heading(6, "Six", md.indexOf("###### Six"))),
        doc.headings());
  }

  @Test
  void ignoresHashesInsideFencedCodeBlocks() {
    String md =
        """
        Intro
        ````bash
        # a shell comment
        ```
        # still code: a shorter fence does not close a longer one
        `````
        ~~~
        # tilde fence
        ```
        # still code: a backtick fence does not close a tilde fence
        ~~~~
        ```
        # closed by a longer fence
        ````
        # Real heading
        """;
    Document doc = document(parser, "code.md", md);
    assertEquals(
        List.of(new Heading(1, "Real heading", md.indexOf("# Real"))), doc.headings());
  }

  @Test
  void anUnclosedFenceRunsToTheEndOfTheDocument() {
    String md = "# Top\n```\n# inside\n";
    assertEquals(List.of(new Heading(1, "Top", 0)), document(parser, "open.md", md).headings());
  }

  @Test
  void handlesWindowsLineEndingsAndSkipsEmptyHeadings() {
    String md = "#\r\n## Title ##\r\nBody\r\n";
    Document doc = document(parser, "crlf.md", md);
    assertEquals(List.of(new Heading(2, "Title", 3)), doc.headings());
  }

  @Test
  void titleIsTheFirstHeadingElseTheFirstNonBlankLine() {
    assertEquals("Later", document(parser, "p.md", "Just prose here.\n## Later\n# Top\n").title());
    assertEquals("Just prose here.", document(parser, "q.md", "\n\n  Just prose here.\nMore.\n").title());
  }

  @Test
  void rejectsAnEmptyDocument() {
    Rejected rejected = rejection(parser, "docs/empty.md", "\n\n   \n");
    assertEquals("docs/empty.md", rejected.location());
    assertEquals("empty document", rejected.reason());
  }

  @Property(tries = 300)
  void everyHeadingOffsetStartsAHashLineWithItsTitle(
      @ForAll @StringLength(max = 300) String noise, @ForAll("lines") List<String> lines) {
    String md = String.join("\n", lines) + "\n" + noise.replace("`", "").replace("~", "");
    for (Heading h : MarkdownParser.headings(md)) {
      String line = md.substring(h.offset(), lineEnd(md, h.offset())).strip();
      assertEquals("#".repeat(h.level()), line.substring(0, h.level()));
      assertTrue(line.contains(h.title()), () -> line + " vs " + h.title());
      assertTrue(h.offset() == 0 || md.charAt(h.offset() - 1) == '\n');
    }
  }

  @Provide
  Arbitrary<List<String>> lines() {
    var heading =
        Arbitraries.integers()
            .between(1, 7)
            .flatMap(
                level ->
                    Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(10)
                        .map(t -> "#".repeat(level) + " " + t));
    var prose = Arbitraries.strings().ofMaxLength(20).map(s -> s.replace("\n", " "));
    var fence = Arbitraries.of("```", "~~~", "````");
    return Arbitraries.oneOf(heading, prose, fence).list().ofMaxSize(20);
  }

  private static int lineEnd(String s, int from) {
    int i = s.indexOf('\n', from);
    return i < 0 ? s.length() : i;
  }
}

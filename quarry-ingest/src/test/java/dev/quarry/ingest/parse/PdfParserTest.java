package dev.quarry.ingest.parse;

import static dev.quarry.ingest.parse.ParseRun.document;
import static dev.quarry.ingest.parse.ParseRun.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.PageSpan;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PdfParserTest {

  private final PdfParser parser = new PdfParser(IngestLimits.DEFAULT);

  @Test
  void extractsTextAndTitleFromDocumentInformation() {
    byte[] pdf = Pdfs.of("Annual Report", List.of(List.of("Revenue grew.", "Costs fell.")));
    Document doc = document(parser, "reports/annual.pdf", pdf);
    assertEquals("reports/annual.pdf", doc.id());
    assertEquals("Annual Report", doc.title());
    assertEquals("Revenue grew.\nCosts fell.", doc.text());
    assertEquals(List.of(new PageSpan(1, 0, doc.text().length())), doc.pages());
  }

  @Test
  void recordsAPageSpanPerPageOfTheJoinedText() {
    byte[] pdf =
        Pdfs.of(
            "",
            List.of(
                List.of("First page text."),
                List.of("Second page, line one.", "Line two."),
                List.of(),
                List.of("Fourth page.")));
    Document doc = document(parser, "multi.pdf", pdf);
    String text = doc.text();
    assertEquals("First page text.\n\nSecond page, line one.\nLine two.\n\nFourth page.", text);
    assertEquals(4, doc.pages().size());
    assertEquals("First page text.", slice(text, doc.pages().get(0)));
    assertEquals("Second page, line one.\nLine two.", slice(text, doc.pages().get(1)));
    assertEquals("", slice(text, doc.pages().get(2)), "a page without text has an empty span");
    assertEquals("Fourth page.", slice(text, doc.pages().get(3)));
    assertEquals(2, doc.pageAt(text.indexOf("Line two.")));
    assertEquals(4, doc.pageAt(text.indexOf("Fourth")));
    assertEquals("First page text.", doc.title(), "without an info title, the first line");
  }

  @Test
  void rejectsAPdfThatNeedsAPassword() {
    byte[] pdf = Pdfs.withUserPassword(List.of(List.of("Secret text.")), "user-secret");
    Rejected rejected = rejection(parser, "secret.pdf", pdf);
    assertEquals("secret.pdf", rejected.location());
    assertEquals("PDF is encrypted and needs a password to open", rejected.reason());
  }

  @Test
  void rejectsAPdfWhosePermissionsForbidExtraction() {
    byte[] pdf = Pdfs.withoutExtractPermission(List.of(List.of("Locked text.")));
    Rejected rejected = rejection(parser, "locked.pdf", pdf);
    assertEquals("locked.pdf", rejected.location());
    assertEquals("PDF permissions forbid text extraction", rejected.reason());
  }

  @Test
  void rejectsRandomBytesWithAPdfName() {
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    Rejected rejected = rejection(parser, "corrupt.pdf", garbage);
    assertEquals("corrupt.pdf", rejected.location());
    assertTrue(rejected.reason().startsWith("not a readable PDF: "), rejected.reason());
  }

  @Test
  void rejectsATruncatedPdf() {
    byte[] pdf = Pdfs.of("", List.of(List.of("Some text on a page.")));
    byte[] truncated = java.util.Arrays.copyOf(pdf, pdf.length / 3);
    Rejected rejected = rejection(parser, "truncated.pdf", truncated);
    assertEquals("truncated.pdf", rejected.location());
    assertTrue(rejected.reason().startsWith("not a readable PDF: "), rejected.reason());
  }

  @Test
  void rejectsAPdfWithoutText() {
    Rejected rejected = rejection(parser, "scan.pdf", Pdfs.of("Scan", List.of(List.of(), List.of())));
    assertEquals("scan.pdf", rejected.location());
    assertEquals("empty document (no extractable text; a scanned PDF needs OCR first)", rejected.reason());
  }

  @Test
  void stopsExtractingOnceTheCharacterLimitIsPassed() {
    var limited = new PdfParser(new IngestLimits(10_000_000, 20));
    byte[] pdf = Pdfs.of("", List.of(List.of("Fifteen chars.."), List.of("Another fifteen"), List.of("Third")));
    Rejected rejected = rejection(limited, "big.pdf", pdf);
    assertEquals("big.pdf", rejected.location());
    assertEquals("document has more than 20 characters by page 2 of 3 (maxDocumentChars)", rejected.reason());
  }

  private static String slice(String text, PageSpan span) {
    return text.substring(span.start(), span.end());
  }
}

package dev.quarry.ingest.parse;

import dev.quarry.core.document.Document;
import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.PageSpan;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import dev.quarry.core.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * Parses a PDF (with PDFBox 3) into one document: the text of each page, pages joined by a blank
 * line, and a {@link PageSpan} per page giving where its text lies in the joined text (an empty
 * page has an empty span). The title is the document information's title, else the first non-blank
 * line.
 *
 * <p>Decisions: a PDF that needs a user password, one whose permissions forbid text extraction, and
 * one PDFBox cannot read are rejected with a reason; any exception PDFBox throws on malformed
 * content (checked or not) becomes a rejection, never an escaping exception, because a corrupt
 * upload is bad input, not a server fault. Only failing to read the stream throws. A PDF without
 * extractable text (scanned images) is rejected as empty, with a hint that it needs OCR. Extraction
 * stops as soon as the text passes {@link IngestLimits#maxDocumentChars()}.
 */
public final class PdfParser implements Parser {

  private final IngestLimits limits;

  public PdfParser(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void parse(String name, InputStream in, Consumer<ParseOutcome> sink) throws IOException {
    Optional<byte[]> bytes = SourceText.readBytes(name, in, limits, sink);
    if (bytes.isPresent()) {
      sink.accept(parse(name, bytes.get()));
    }
  }

  private ParseOutcome parse(String name, byte[] bytes) {
    try (PDDocument pdf = Loader.loadPDF(bytes)) {
      if (pdf.isEncrypted() && !pdf.getCurrentAccessPermission().canExtractContent()) {
        return new Rejected(name, "PDF permissions forbid text extraction");
      }
      return extract(name, pdf);
    } catch (InvalidPasswordException e) {
      return new Rejected(name, "PDF is encrypted and needs a password to open");
    } catch (IOException | RuntimeException e) {
      return new Rejected(name, "not a readable PDF: " + describe(e));
    }
  }

  private ParseOutcome extract(String name, PDDocument pdf) throws IOException {
    PDFTextStripper stripper = new PDFTextStripper();
    stripper.setLineSeparator("\n");
    stripper.setParagraphEnd("\n"); // with the line break after each line: a blank line
    StringBuilder text = new StringBuilder();
    List<PageSpan> pages = new ArrayList<>();
    for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
      stripper.setStartPage(page);
      stripper.setEndPage(page);
      String pageText = stripper.getText(pdf).strip();
      if (!pageText.isEmpty() && !text.isEmpty()) {
        text.append("\n\n");
      }
      int start = text.length();
      text.append(pageText);
      pages.add(new PageSpan(page, start, text.length()));
      if (text.length() > limits.maxDocumentChars()) {
        return new Rejected(
            name,
            "document has more than "
                + limits.maxDocumentChars()
                + " characters by page "
                + page
                + " of "
                + pdf.getNumberOfPages()
                + " (maxDocumentChars)");
      }
    }
    if (text.toString().isBlank()) {
      return new Rejected(
          name, SourceText.EMPTY_DOCUMENT + " (no extractable text; a scanned PDF needs OCR first)");
    }
    String info = pdf.getDocumentInformation().getTitle();
    String title = info == null || info.isBlank() ? Titles.firstLine(text.toString()) : Titles.clip(info);
    return new ParseOutcome.Parsed(
        new Document(name, title, text.toString(), Metadata.empty(), List.of(), pages, name));
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}

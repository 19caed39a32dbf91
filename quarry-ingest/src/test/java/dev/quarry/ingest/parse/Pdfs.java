package dev.quarry.ingest.parse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Real PDFs made with PDFBox for tests: one list of lines per page. */
final class Pdfs {

  private Pdfs() {}

  static byte[] of(String title, List<List<String>> pages) {
    return build(title, pages, null);
  }

  /** Encrypted so that opening needs {@code userPassword}. */
  static byte[] withUserPassword(List<List<String>> pages, String userPassword) {
    return build("", pages, new StandardProtectionPolicy("owner-secret", userPassword, new AccessPermission()));
  }

  /** Opens without a password, but the permissions forbid extracting text. */
  static byte[] withoutExtractPermission(List<List<String>> pages) {
    AccessPermission permission = new AccessPermission();
    permission.setCanExtractContent(false);
    return build("", pages, new StandardProtectionPolicy("owner-secret", "", permission));
  }

  private static byte[] build(String title, List<List<String>> pages, StandardProtectionPolicy policy) {
    try (PDDocument pdf = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (List<String> lines : pages) {
        PDPage page = new PDPage();
        pdf.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
          content.beginText();
          content.setFont(font, 12);
          content.newLineAtOffset(72, 700);
          for (String line : lines) {
            content.showText(line);
            content.newLineAtOffset(0, -16);
          }
          content.endText();
        }
      }
      if (!title.isEmpty()) {
        pdf.getDocumentInformation().setTitle(title);
      }
      if (policy != null) {
        policy.setEncryptionKeyLength(128);
        pdf.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      pdf.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

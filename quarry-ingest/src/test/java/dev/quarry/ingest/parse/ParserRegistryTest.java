package dev.quarry.ingest.parse;

import static dev.quarry.ingest.parse.ParseRun.outcomes;
import static dev.quarry.ingest.parse.ParseRun.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.ParseOutcome.Parsed;
import dev.quarry.core.parse.ParseOutcome.Rejected;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ParserRegistryTest {

  private static final String SUPPORTED =
      "(supported: .htm, .html, .jsonl, .markdown, .md, .pdf, .txt, each optionally compressed as .gz)";

  private final ParserRegistry registry = ParserRegistry.standard(IngestLimits.DEFAULT);

  @Test
  void dispatchesOnTheExtensionCaseInsensitively() {
    assertEquals("Hello", document("a/notes.TXT", "Hello").text());
    assertEquals(1, document("README.Md", "# Title\nbody").headings().size());
    assertEquals("Visible", document("page.HTML", "<p>Visible</p>").text());
    assertEquals("d1", document("corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"t\"}").id());
  }

  @Test
  void decompressesGzipAndDispatchesOnTheInnerExtension() {
    byte[] gz = gzip(utf8("{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\", \"text\": \"y\"}\n"));
    List<ParseOutcome> out = outcomes(registry, "beir/corpus.jsonl.gz", gz);
    assertEquals(List.of("a", "b"), out.stream().map(o -> ((Parsed) o).document().id()).toList());
    assertEquals("notes.txt.gz", document("notes.txt.gz", gzip(utf8("plain"))).id());
  }

  @Test
  void rejectsAnUnsupportedExtensionListingTheSupportedOnes() {
    Rejected rejected = rejection("data/sheet.xyz", utf8("x"));
    assertEquals("data/sheet.xyz", rejected.location());
    assertEquals("unsupported file type '.xyz' " + SUPPORTED, rejected.reason());
    assertEquals("unsupported file type '.tar.gz' " + SUPPORTED, rejection("a.tar.gz", gzip(utf8("x"))).reason());
  }

  @Test
  void rejectsANameWithoutExtension() {
    assertEquals("unsupported file type: 'Makefile' has no extension " + SUPPORTED, rejection("src/Makefile", utf8("x")).reason());
    assertEquals("unsupported file type: '.bashrc' has no extension " + SUPPORTED, rejection(".bashrc", utf8("x")).reason());
    assertEquals("unsupported file type: 'data.gz' has no extension " + SUPPORTED, rejection("data.gz", gzip(utf8("x"))).reason());
  }

  @Test
  void rejectsDataThatIsNotGzip() {
    Rejected rejected = rejection("notes.txt.gz", utf8("plain text, not gzip"));
    assertEquals("notes.txt.gz", rejected.location());
    assertEquals("corrupt or truncated gzip data: Not in GZIP format", rejected.reason());
  }

  @Test
  void keepsDocumentsBeforeTruncatedGzipDataAndRejectsTheRest() {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      jsonl.append("{\"_id\": \"").append(i).append("\", \"text\": \"document number ").append(i * 7919).append("\"}\n");
    }
    byte[] gz = gzip(utf8(jsonl.toString()));
    List<ParseOutcome> out = outcomes(registry, "c.jsonl.gz", Arrays.copyOf(gz, gz.length - 20));
    ParseOutcome last = out.getLast();
    Rejected rejected = assertInstanceOf(Rejected.class, last);
    assertEquals("c.jsonl.gz", rejected.location());
    assertTrue(rejected.reason().startsWith("corrupt or truncated gzip data: "), rejected.reason());
    assertTrue(out.size() > 1 && out.getFirst() instanceof Parsed, "documents before the damage are kept");
  }

  @Test
  void aFailingStreamThrowsInsteadOfBeingRejected() {
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk on fire");
          }
        };
    var e = assertThrows(IOException.class, () -> registry.parse("x.txt.gz", failing, o -> {}));
    assertEquals("disk on fire", e.getMessage());
    assertThrows(IOException.class, () -> registry.parse("x.txt", failing, o -> {}));
  }

  @Test
  void validatesRegisteredExtensions() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ParserRegistry(Map.of(".txt", new PlainTextParser(IngestLimits.DEFAULT))));
    assertEquals(
        "extension must be non-blank, lower case, without a leading dot and not 'gz', got: '.txt'",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ParserRegistry(Map.of()));
    assertEquals(List.of("htm", "html", "jsonl", "markdown", "md", "pdf", "txt"), new ArrayList<>(registry.extensions()));
  }

  private dev.quarry.core.document.Document document(String name, String text) {
    return document(name, utf8(text));
  }

  private dev.quarry.core.document.Document document(String name, byte[] bytes) {
    return ParseRun.document(registry, name, bytes);
  }

  private Rejected rejection(String name, byte[] bytes) {
    return ParseRun.rejection(registry, name, bytes);
  }

  static byte[] gzip(byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

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
      "(supported: .htm, .html, .jsonl, .markdown, .md, .pdf, .txt, each optionally compressed as .gz, "
          + "and text files without extension)";

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
  void readsANameWithoutExtensionAsTextWhenItsContentIsText() {
    assertEquals("all: build\n", document("src/Makefile", "all: build\n").text());
    assertEquals("Debian notes", document("debian/README.Debian", "Debian notes").title());
    assertEquals("x", document(".bashrc", "x").text());
    assertEquals("rotated", document("logs/app.log.1", "rotated").text());
    assertEquals("entry", document("changelog.Debian.gz", gzip(utf8("entry"))).text());
    assertEquals("data.gz", document("data.gz", gzip(utf8("x"))).id());
    assertEquals("caf\u00e9", document("NOTES", "caf\u00e9").text());
  }

  @Test
  void rejectsANameWithoutExtensionWhenItsContentIsNotText() {
    String notText = "unsupported file type: 'Makefile' has no extension and is not UTF-8 text " + SUPPORTED;
    assertEquals(notText, rejection("src/Makefile", new byte[] {'a', 0, 'b'}).reason());
    assertEquals(notText, rejection("Makefile", new byte[] {(byte) 0xC3, (byte) 0x28}).reason());
    assertEquals("unsupported file type: 'data.gz' has no extension and is not UTF-8 text " + SUPPORTED,
        rejection("data.gz", gzip(new byte[] {1, 0, 2})).reason());
  }

  @Test
  void aCharacterCutAtTheEndOfTheSniffedSampleIsStillText() {
    byte[] bytes = utf8("a".repeat(ParserRegistry.SNIFF_BYTES - 1) + "\u00e9 more");
    assertEquals(ParserRegistry.SNIFF_BYTES + 6, document("LICENSE", bytes).text().length() + 1);
  }

  @Test
  void moreExtensionsCanBeReadAsAnExistingFormat() {
    assertEquals("unsupported file type '.yaml' " + SUPPORTED,
        rejection("config.yaml", utf8("a: 1")).reason());
    ParserRegistry more = registry.withTypes(Map.of("yaml", "text", ".XHTML", "html", "mdx", "md"));
    assertEquals("a: 1", ParseRun.document(more, "config.yaml", utf8("a: 1")).text());
    assertEquals("Visible", ParseRun.document(more, "page.xhtml", utf8("<p>Visible</p>")).text());
    assertEquals(1, ParseRun.document(more, "doc.mdx", utf8("# T\nbody")).headings().size());
    assertEquals("a: 1", ParseRun.document(more, "c.yaml.gz", gzip(utf8("a: 1"))).text());
    var unknown = assertThrows(dev.quarry.core.error.InvalidInputException.class,
        () -> registry.withTypes(Map.of("yaml", "toml")));
    assertEquals("unknown format 'toml' for .yaml; formats: html, jsonl, markdown, pdf, text", unknown.getMessage());
    assertThrows(dev.quarry.core.error.InvalidInputException.class, () -> registry.withTypes(Map.of("gz", "text")));
    assertThrows(dev.quarry.core.error.InvalidInputException.class, () -> registry.withTypes(Map.of("", "text")));
  }

  @Test
  void tellsWhichFormatASourceWasReadAs() throws IOException {
    List<String> formats = new ArrayList<>();
    registry.parse("a.md", new java.io.ByteArrayInputStream(utf8("# A")), o -> {}, formats::add);
    registry.parse("README", new java.io.ByteArrayInputStream(utf8("text")), o -> {}, formats::add);
    registry.parse("b.htm.gz", new java.io.ByteArrayInputStream(gzip(utf8("<p>x</p>"))), o -> {}, formats::add);
    registry.parse("c.xyz", new java.io.ByteArrayInputStream(utf8("x")), o -> {}, formats::add);
    assertEquals(List.of("markdown", "text", "html"), formats);
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

package dev.quarry.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Multipart}: RFC 7578 bodies read as a stream, within a memory budget (issue 7, item 30). */
class MultipartTest {

  static final String BOUNDARY = "----quarry-7MA4YWxkTrZu0gW";
  static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;
  static final Multipart.Budget ROOMY = new Multipart.Budget(1 << 20, 1 << 20, 100, Optional.empty());

  /** One part as a client sends it: the Content-Disposition parameters and the content. */
  record Sent(String name, String fileName, String contentType, byte[] content) {}

  /** A quoted-string as RFC 7230 writes it (and curl sends file names): '"' and '\' escaped. */
  static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static byte[] body(List<Sent> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Sent p : parts) {
      StringBuilder head = new StringBuilder("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=" + quoted(p.name()));
      if (p.fileName() != null) {
        head.append("; filename=").append(quoted(p.fileName()));
      }
      head.append("\r\n");
      if (p.contentType() != null) {
        head.append("Content-Type: ").append(p.contentType()).append("\r\n");
      }
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(p.content());
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A stream that hands out at most a few bytes per read, so that every boundary straddles reads. */
  static InputStream trickling(byte[] bytes, long seed) {
    Random random = new Random(seed);
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
      }
    };
  }

  @Test
  void quotedFileNamesKeepTheirSemicolonsAndQuotes() throws IOException {
    List<Sent> sent = List.of(
        new Sent("file", "report; final.txt", "text/plain; charset=utf-8", utf8("first")),
        new Sent("file", "say \"hi\".md", "text/markdown", utf8("second")),
        new Sent("file", "C:\\Users\\me\\notes.txt", null, utf8("third")),
        new Sent("note", null, null, utf8("a form field")),
        new Sent("file", "näive ✓.html", "TEXT/HTML", utf8("<p>fourth</p>")));
    try (Multipart m = Multipart.read(TYPE, new ByteArrayInputStream(body(sent)), ROOMY)) {
      List<Multipart.Part> parts = m.parts();
      assertEquals(5, parts.size());
      assertEquals(Optional.of("report; final.txt"), parts.get(0).fileName());
      assertEquals("text/plain", parts.get(0).mediaType());
      assertEquals(Optional.of("say \"hi\".md"), parts.get(1).fileName());
      assertEquals(Optional.of("notes.txt"), parts.get(2).fileName(), "only the last segment of a path names the file");
      assertEquals("application/octet-stream", parts.get(2).mediaType());
      assertEquals("note", parts.get(3).name());
      assertEquals(Optional.empty(), parts.get(3).fileName());
      assertEquals(Optional.of("näive ✓.html"), parts.get(4).fileName());
      assertEquals("text/html", parts.get(4).mediaType());
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i).content(), parts.get(i).bytes(), "part " + i);
        assertTrue(parts.get(i).inMemory());
      }
    }
  }

  @Test
  void aPartLargerThanTheMemoryBudgetStreamsToATemporaryFileThatCloseDeletes(@TempDir Path dir) throws IOException {
    byte[] big = new byte[3 << 20];
    new Random(7).nextBytes(big);
    byte[] small = utf8("small and kept in memory");
    Multipart.Budget budget = new Multipart.Budget(64 << 10, 8 << 20, 10, Optional.of(dir));
    byte[] head = body(List.of(new Sent("file", "small.txt", null, small)));
    byte[] tail = body(List.of(new Sent("file", "big.bin", null, big)));
    // the small part first, then the big one, as one stream
    InputStream stream = new SequenceInputStream(new ByteArrayInputStream(head, 0, head.length - (BOUNDARY.length() + 6)),
        new ByteArrayInputStream(tail));
    Multipart m = Multipart.read(TYPE, stream, budget);
    Multipart.Part first = m.parts().get(0);
    Multipart.Part second = m.parts().get(1);
    assertTrue(first.inMemory());
    assertFalse(second.inMemory(), "3 MiB does not fit a 64 KiB budget");
    assertEquals(big.length, second.size());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "the big part is in one temporary file");
    }
    assertArrayEquals(big, second.bytes());
    assertArrayEquals(small, first.bytes());
    m.close();
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count(), "close deletes it");
    }
  }

  @Test
  void theMemoryBudgetCountsEveryPartHeldSoFar(@TempDir Path dir) throws IOException {
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sent.add(new Sent("file", "f" + i + ".txt", null, new byte[1000]));
    }
    try (Multipart m = Multipart.read(TYPE, new ByteArrayInputStream(body(sent)),
        new Multipart.Budget(2500, 10_000, 10, Optional.of(dir)))) {
      assertEquals(List.of(true, true, false, false, false, false),
          m.parts().stream().map(Multipart.Part::inMemory).toList());
    }
  }

  @Test
  void aTruncatedBodyIsInvalidInputThatSaysSoAndLeavesNoFile(@TempDir Path dir) {
    byte[] whole = body(List.of(new Sent("file", "a.txt", null, new byte[200_000])));
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Multipart.read(TYPE,
        new ByteArrayInputStream(cut), new Multipart.Budget(1000, 1 << 20, 10, Optional.of(dir))));
    assertTrue(e.getMessage().startsWith("the multipart body is truncated or malformed"), e.getMessage());
    assertTrue(dir.toFile().list().length == 0, "the partial part's file is deleted");

    byte[] noClose = Arrays.copyOf(whole, whole.length - (BOUNDARY.length() + 6));
    assertThrows(InvalidInputException.class, () -> Multipart.read(TYPE, new ByteArrayInputStream(noClose), ROOMY),
        "a body without its closing delimiter is truncated too");
  }

  @Test
  void malformedPartsAndExcessAreRefusedNamingThePart() {
    String noName = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; filename=\"a.txt\"\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n";
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Multipart.read(TYPE, new ByteArrayInputStream(utf8(noName)), ROOMY));
    assertEquals("multipart part 1 needs 'Content-Disposition: form-data; name=\"...\"'", e.getMessage());

    byte[] three = body(List.of(new Sent("a", "a.txt", null, utf8("1")), new Sent("b", "b.txt", null, utf8("2")),
        new Sent("c", "c.txt", null, utf8("3"))));
    e = assertThrows(InvalidInputException.class, () -> Multipart.read(TYPE, new ByteArrayInputStream(three),
        new Multipart.Budget(1000, 1000, 2, Optional.empty())));
    assertEquals("a multipart body holds at most 2 parts", e.getMessage());

    byte[] large = body(List.of(new Sent("a", "a.txt", null, utf8("fine")), new Sent("big", "b.txt", null, new byte[5000])));
    e = assertThrows(InvalidInputException.class, () -> Multipart.read(TYPE, new ByteArrayInputStream(large),
        new Multipart.Budget(1000, 4096, 10, Optional.empty())));
    assertEquals("multipart part 2 ('big') is larger than the 4096 bytes a part may have", e.getMessage());

    e = assertThrows(InvalidInputException.class,
        () -> Multipart.read("multipart/form-data", new ByteArrayInputStream(three), ROOMY));
    assertEquals("multipart/form-data needs a boundary parameter in its Content-Type", e.getMessage());
  }

  @Provide
  Arbitrary<List<Sent>> partLists() {
    Arbitrary<String> names = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789 ;=\"'-_.,()[]äé✓")
        .ofMinLength(1).ofMaxLength(24).filter(s -> !s.isBlank());
    Arbitrary<byte[]> contents = Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
        // content that looks like delimiters, without being one
        Arbitraries.of("--", "\r\n--", "\r\n", "--" + BOUNDARY.substring(0, 10), "\r\n-" + BOUNDARY, "x")
            .list().ofMaxSize(20).map(l -> utf8(String.join("", l))));
    Arbitrary<Sent> part = Combinators.combine(names, names.injectNull(0.2),
        Arbitraries.of("text/plain", "application/pdf", "text/markdown").injectNull(0.3), contents).as(Sent::new);
    return part.list().ofMinSize(0).ofMaxSize(6);
  }

  @Property(tries = 300)
  void whateverIsSentIsReadBackPartByPart(@ForAll("partLists") List<Sent> sent, @ForAll long seed,
      @ForAll("budgets") int memoryBytes) throws IOException {
    try (Multipart m = Multipart.read(TYPE, trickling(body(sent), seed),
        new Multipart.Budget(memoryBytes, 1 << 20, 10, Optional.empty()))) {
      List<Multipart.Part> parts = m.parts();
      assertEquals(sent.size(), parts.size());
      for (int i = 0; i < sent.size(); i++) {
        Sent s = sent.get(i);
        Multipart.Part p = parts.get(i);
        // FileUpload strips white space around a parameter value, quoted or not
        assertEquals(s.name().strip(), p.name());
        assertEquals(Optional.ofNullable(s.fileName()).map(String::strip), p.fileName());
        assertEquals(s.contentType() == null ? "application/octet-stream" : s.contentType(), p.mediaType());
        assertEquals(s.content().length, p.size());
        assertArrayEquals(s.content(), p.bytes());
      }
    }
  }

  @Provide
  Arbitrary<Integer> budgets() {
    return Arbitraries.of(0, 100, 4000, 1 << 20);
  }
}

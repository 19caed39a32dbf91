package dev.quarry.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.quarry.core.document.Document;
import dev.quarry.core.parse.ParseOutcome;
import dev.quarry.core.parse.Parser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs a parser over in-memory bytes and collects what it reports. */
final class ParseRun {

  private ParseRun() {}

  static List<ParseOutcome> outcomes(Parser parser, String name, byte[] bytes) {
    List<ParseOutcome> out = new ArrayList<>();
    try {
      parser.parse(name, new ByteArrayInputStream(bytes), out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<ParseOutcome> outcomes(Parser parser, String name, String text) {
    return outcomes(parser, name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The single document a parser made of the input; fails on anything else. */
  static Document document(Parser parser, String name, byte[] bytes) {
    List<ParseOutcome> out = outcomes(parser, name, bytes);
    assertEquals(1, out.size(), () -> "expected one outcome, got " + out);
    return assertInstanceOf(ParseOutcome.Parsed.class, out.getFirst(), out::toString).document();
  }

  static Document document(Parser parser, String name, String text) {
    return document(parser, name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The single rejection a parser reported for the input; fails on anything else. */
  static ParseOutcome.Rejected rejection(Parser parser, String name, byte[] bytes) {
    List<ParseOutcome> out = outcomes(parser, name, bytes);
    assertEquals(1, out.size(), () -> "expected one outcome, got " + out);
    return assertInstanceOf(ParseOutcome.Rejected.class, out.getFirst(), out::toString);
  }

  static ParseOutcome.Rejected rejection(Parser parser, String name, String text) {
    return rejection(parser, name, text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

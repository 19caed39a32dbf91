package dev.quarry.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quarry.core.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Percent-decoding of path ids and strict UTF-8 decoding of bodies: refuse, never replace. */
class RequestDecodingTest {

  @Test
  void percentEncodedUtf8DecodesAndPlusStaysLiteral() {
    assertEquals("café", Request.decode("caf%C3%A9"));
    assertEquals("a+b c", Request.decode("a+b%20c"));
    assertEquals("plain", Request.decode("plain"));
  }

  @Test
  void aBrokenEscapeIsRefusedNamingTheTextAndPosition() {
    assertEquals("invalid percent-encoding in 'a%zzb' at character 1: '%' must start two hex digits",
        assertThrows(InvalidInputException.class, () -> Request.decode("a%zzb")).getMessage());
    assertThrows(InvalidInputException.class, () -> Request.decode("abc%2"));
    assertThrows(InvalidInputException.class, () -> Request.decode("abc%"));
  }

  @Test
  void percentEncodedBytesThatAreNotUtf8AreRefusedNotReplaced() {
    assertEquals("'caf%C3' once percent-decoded is not valid UTF-8: malformed bytes at byte offset 3",
        assertThrows(InvalidInputException.class, () -> Request.decode("caf%C3")).getMessage());
    assertThrows(InvalidInputException.class, () -> Request.decode("%ED%A0%80"), "an encoded surrogate");
    assertThrows(InvalidInputException.class, () -> Request.decode("%C0%AF"), "an overlong '/'");
  }

  @Test
  void bodiesDecodeAsStrictUtf8() {
    assertEquals("{\"q\":\"café\"}", Request.strictUtf8("{\"q\":\"café\"}".getBytes(StandardCharsets.UTF_8), "the body"));
    byte[] bad = {'{', '"', 'q', '"', ':', '"', (byte) 0xF0, (byte) 0x9F, '"', '}'};
    assertEquals("the body is not valid UTF-8: malformed bytes at byte offset 6",
        assertThrows(InvalidInputException.class, () -> Request.strictUtf8(bad, "the body")).getMessage());
  }
}

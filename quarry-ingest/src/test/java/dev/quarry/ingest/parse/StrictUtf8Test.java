package dev.quarry.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class StrictUtf8Test {

  /**
   * Decoding either returns exactly what the JDK decodes and re-encodes to the same bytes, or
   * reports an offset before which everything is valid and at which decoding stops being so.
   */
  @Property(tries = 1000)
  void decodesValidUtf8ExactlyAndLocatesTheFirstInvalidByte(@ForAll @Size(max = 64) byte[] bytes) {
    switch (new StrictUtf8().decode(bytes, 0, bytes.length)) {
      case StrictUtf8.Text(String text) -> {
        assertEquals(new String(bytes, StandardCharsets.UTF_8), text);
        assertArrayEquals(bytes, text.getBytes(StandardCharsets.UTF_8));
      }
      case StrictUtf8.Invalid(int at) -> {
        byte[] prefix = Arrays.copyOf(bytes, at);
        assertInstanceOf(StrictUtf8.Text.class, new StrictUtf8().decode(prefix, 0, prefix.length));
        String lenient = new String(bytes, StandardCharsets.UTF_8);
        assertNotEquals(-1, lenient.indexOf('\uFFFD'), "the JDK would have replaced something");
      }
    }
  }

  @Property(tries = 300)
  void validTextRoundTrips(@ForAll String text) {
    String wellFormed = text.codePoints().anyMatch(cp -> Character.isSurrogate((char) cp)) ? "x" : text;
    byte[] bytes = ("<" + wellFormed + ">").getBytes(StandardCharsets.UTF_8);
    assertEquals(new StrictUtf8.Text("<" + wellFormed + ">"), new StrictUtf8().decode(bytes, 0, bytes.length));
    assertEquals(new StrictUtf8.Text(wellFormed), new StrictUtf8().decode(bytes, 1, bytes.length - 2));
  }
}

package dev.quarry.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IngestLimitsTest {

  @Test
  void rejectsNonPositiveSourceBytes() {
    var e = assertThrows(IllegalArgumentException.class, () -> new IngestLimits(0, 10));
    assertEquals("maxSourceBytes must be in [1, 2147483639], got: 0", e.getMessage());
  }

  @Test
  void rejectsSourceBytesBeyondAnArray() {
    var e = assertThrows(IllegalArgumentException.class, () -> new IngestLimits(Integer.MAX_VALUE, 10));
    assertEquals("maxSourceBytes must be in [1, 2147483639], got: 2147483647", e.getMessage());
  }

  @Test
  void rejectsNonPositiveDocumentChars() {
    var e = assertThrows(IllegalArgumentException.class, () -> new IngestLimits(10, -1));
    assertEquals("maxDocumentChars must be at least 1, got: -1", e.getMessage());
  }
}

package dev.quarry.core.index;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterMatchesTest {

  private static final Metadata M = new Metadata(Map.of(
      "subject", new MetadataValue.Text("alice"),
      "tags", new MetadataValue.TextList(List.of("a", "b")),
      "year", new MetadataValue.Number(2020),
      "at", new MetadataValue.Date(Instant.parse("2024-05-01T00:00:00Z"))));

  @Test
  void termsMatchTextAndListElementsOnly() {
    assertTrue(new Filter.Term("subject", "alice").matches(M));
    assertFalse(new Filter.Term("subject", "bob").matches(M));
    assertTrue(new Filter.Term("tags", "b").matches(M));
    assertFalse(new Filter.Term("year", "2020").matches(M), "a number is not a term, as in the index");
    assertFalse(new Filter.Term("missing", "x").matches(M));
  }

  @Test
  void rangesRespectBoundsAndKinds() {
    MetadataValue y2020 = new MetadataValue.Number(2020);
    assertTrue(new Filter.Range("year", y2020, null, true, false).matches(M));
    assertFalse(new Filter.Range("year", y2020, null, false, false).matches(M));
    assertTrue(new Filter.Range("year", null, y2020, false, true).matches(M));
    assertFalse(new Filter.Range("year", null, y2020, false, false).matches(M));
    MetadataValue may = new MetadataValue.Date(Instant.parse("2024-04-30T00:00:00Z"));
    assertTrue(new Filter.Range("at", may, null, false, false).matches(M));
    assertFalse(new Filter.Range("subject", y2020, null, true, true).matches(M), "text is never in a range");
    assertFalse(new Filter.Range("at", y2020, null, true, true).matches(M), "a date is not compared with a number");
  }

  @Test
  void combinationsFollowTheirClauses() {
    Filter alice = new Filter.Term("subject", "alice");
    Filter bob = new Filter.Term("subject", "bob");
    assertTrue(new Filter.AnyOf(List.of(bob, alice)).matches(M));
    assertFalse(new Filter.AllOf(List.of(bob, alice)).matches(M));
    assertTrue(new Filter.AllOf(List.of(alice, new Filter.Term("tags", "a"))).matches(M));
  }
}

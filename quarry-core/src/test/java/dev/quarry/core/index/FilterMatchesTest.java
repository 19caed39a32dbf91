package dev.quarry.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterMatchesTest {

  private static final Metadata M = new Metadata(Map.of(
      "subject", new MetadataValue.Text("alice"),
      "tags", new MetadataValue.TextList(List.of("a", "b", "7")),
      "year", new MetadataValue.Number(2020),
      "score", new MetadataValue.Number(0.5),
      "open", new MetadataValue.Bool(true),
      "code", new MetadataValue.Text("42"),
      "at", new MetadataValue.Date(Instant.parse("2024-05-01T00:00:00.000900Z"))));

  @Test
  void termsMatchTextAndListElements() {
    assertTrue(new Filter.Term("subject", "alice").matches(M));
    assertFalse(new Filter.Term("subject", "bob").matches(M));
    assertTrue(new Filter.Term("tags", "b").matches(M));
    assertFalse(new Filter.Term("missing", "x").matches(M));
  }

  @Test
  void numbersMatchByValueHoweverTheyAreWritten() {
    for (MetadataValue v : List.of(new MetadataValue.Number(2020), new MetadataValue.Number(2020.0),
        new MetadataValue.Number(new BigDecimal("2.020e3")), new MetadataValue.Text("2020"),
        new MetadataValue.Text("2020.0"), new MetadataValue.Text("2.02E3"))) {
      assertTrue(new Filter.Term("year", v).matches(M), "year = " + v);
    }
    assertTrue(new Filter.Term("score", "0.50").matches(M));
    assertFalse(new Filter.Term("year", new MetadataValue.Number(2021)).matches(M));
    assertFalse(new Filter.Term("year", "2020 ").matches(M), "not JSON number syntax: text only");
    assertFalse(new Filter.Term("year", "+2020").matches(M), "not JSON number syntax: text only");
    assertFalse(new Filter.Term("year", new MetadataValue.Bool(true)).matches(M));
  }

  @Test
  void aNumberMatchesTextThatIsItsCanonicalSpellingOnly() {
    assertTrue(new Filter.Term("code", new MetadataValue.Number(42)).matches(M));
    assertTrue(new Filter.Term("code", new MetadataValue.Number(42.0)).matches(M));
    assertTrue(new Filter.Term("tags", new MetadataValue.Number(7)).matches(M), "a list element");
    Metadata decimalText = new Metadata(Map.of("code", new MetadataValue.Text("42.0")));
    assertFalse(new Filter.Term("code", new MetadataValue.Number(42)).matches(decimalText));
    assertTrue(new Filter.Term("code", "42.0").matches(decimalText));
  }

  @Test
  void datesMatchAtTheMillisecondAndBooleansAsBooleansOrTheirText() {
    assertTrue(new Filter.Term("at", "2024-05-01T00:00:00Z").matches(M));
    assertTrue(new Filter.Term("at", new MetadataValue.Date(Instant.parse("2024-05-01T00:00:00.000100Z"))).matches(M));
    assertFalse(new Filter.Term("at", "2024-05-01T00:00:00.001Z").matches(M));
    assertFalse(new Filter.Term("at", "2024-05-01").matches(M), "not an instant: text only");
    assertTrue(new Filter.Term("open", new MetadataValue.Bool(true)).matches(M));
    assertTrue(new Filter.Term("open", "true").matches(M));
    assertFalse(new Filter.Term("open", new MetadataValue.Bool(false)).matches(M));
    assertFalse(new Filter.Term("open", "True").matches(M));
    Metadata text = new Metadata(Map.of("open", new MetadataValue.Text("true")));
    assertTrue(new Filter.Term("open", new MetadataValue.Bool(true)).matches(text));
  }

  @Test
  void inMatchesAnyValueAndNotInvertsIncludingAbsentFields() {
    assertTrue(new Filter.In("year", List.of(new MetadataValue.Text("1999"), new MetadataValue.Number(2020))).matches(M));
    assertFalse(new Filter.In("year", List.of(new MetadataValue.Text("1999"), new MetadataValue.Bool(true))).matches(M));
    assertTrue(new Filter.Not(new Filter.Term("subject", "bob")).matches(M));
    assertFalse(new Filter.Not(new Filter.Term("subject", "alice")).matches(M));
    assertTrue(new Filter.Not(new Filter.Term("missing", "x")).matches(M), "no such field: not matches");
    assertEquals(3, new Filter.Not(new Filter.Not(new Filter.Term("a", "b"))).depth());
  }

  @Test
  void listsAreNotValuesToMatch() {
    MetadataValue list = new MetadataValue.TextList(List.of("a"));
    assertThrows(IllegalArgumentException.class, () -> new Filter.Term("tags", list));
    assertThrows(IllegalArgumentException.class, () -> new Filter.In("tags", List.of(list)));
    assertThrows(IllegalArgumentException.class, () -> new Filter.In("tags", List.of()));
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

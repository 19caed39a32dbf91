package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.Filter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterExpressionTest {

  @Test
  void equalityOnTextIsATerm() {
    assertEquals(new Filter.Term("lang", "en"), FilterExpression.parse("lang=en"));
  }

  @Test
  void alternativesBecomeIn() {
    assertEquals(new Filter.In("lang", List.of(new MetadataValue.Text("en"), new MetadataValue.Text("de"))),
        FilterExpression.parse("lang=en|de"));
  }

  @Test
  void numericEqualityIsATermThatMatchesTheNumberByValue() {
    Filter f = FilterExpression.parse("year=2015");
    assertEquals(new Filter.Term("year", "2015"), f);
    assertTrue(f.matches(new Metadata(Map.of("year", new MetadataValue.Number(2015)))));
    assertTrue(f.matches(new Metadata(Map.of("year", new MetadataValue.Number(2015.0)))));
    assertTrue(f.matches(new Metadata(Map.of("year", new MetadataValue.Text("2015")))));
  }

  @Test
  void aDayMatchesItsTextAndItsMidnight() {
    Filter f = FilterExpression.parse("at=2020-01-31");
    assertTrue(f.matches(new Metadata(Map.of("at", new MetadataValue.Text("2020-01-31")))));
    assertTrue(f.matches(new Metadata(Map.of("at", new MetadataValue.Date(Instant.parse("2020-01-31T00:00:00Z"))))));
  }

  @Test
  void notEqualIsNotAndTakesAlternatives() {
    assertEquals(new Filter.Not(new Filter.Term("lang", "en")), FilterExpression.parse("lang!=en"));
    assertEquals(new Filter.Not(new Filter.In("lang", List.of(new MetadataValue.Text("en"), new MetadataValue.Text("de")))),
        FilterExpression.parse("lang != en|de"));
    assertTrue(FilterExpression.parse("lang!=en").matches(Metadata.empty()), "no lang at all is not en");
  }

  @Test
  void rangesOverNumbersAndDates() {
    assertEquals(new Filter.Range("year", new MetadataValue.Number(2015), null, true, false),
        FilterExpression.parse("year>=2015"));
    assertEquals(new Filter.Range("at", null, new MetadataValue.Date(Instant.parse("2020-01-31T00:00:00Z")), false, false),
        FilterExpression.parse("at<2020-01-31"));
  }

  @Test
  void severalExpressionsAreAllRequired() {
    var f = FilterExpression.parseAll(List.of("a=1", "b<3")).orElseThrow();
    assertTrue(f instanceof Filter.AllOf all && all.clauses().size() == 2);
    assertTrue(FilterExpression.parseAll(List.of()).isEmpty());
  }

  @Test
  void badExpressionsSayWhatIsWrong() {
    var e = assertThrows(InvalidInputException.class, () -> FilterExpression.parse("year>=soon"));
    assertEquals("invalid --filter 'year>=soon': 'soon' is neither a number nor a date (YYYY-MM-DD or ISO instant)",
        e.getMessage());
    assertThrows(InvalidInputException.class, () -> FilterExpression.parse("no operator"));
    assertThrows(InvalidInputException.class, () -> FilterExpression.parse("a="));
  }
}

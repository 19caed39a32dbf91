package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.Filter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterExpressionTest {

  @Test
  void equalityOnTextIsATerm() {
    assertEquals(new Filter.Term("lang", "en"), FilterExpression.parse("lang=en"));
  }

  @Test
  void alternativesBecomeAnyOf() {
    assertEquals(
        new Filter.AnyOf(List.of(new Filter.Term("lang", "en"), new Filter.Term("lang", "de"))),
        FilterExpression.parse("lang=en|de"));
  }

  @Test
  void numericEqualityAlsoMatchesTheNumber() {
    var n = new MetadataValue.Number(2015);
    assertEquals(
        new Filter.AnyOf(List.of(new Filter.Term("year", "2015"), new Filter.Range("year", n, n, true, true))),
        FilterExpression.parse("year=2015"));
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

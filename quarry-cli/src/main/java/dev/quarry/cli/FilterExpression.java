package dev.quarry.cli;

import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.Filter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line's filter syntax. One expression per {@code --filter}; several are all required:
 *
 * <ul>
 *   <li>{@code field=value} — equals (or the list contains) the value; {@code field=a|b} is any of
 *       them;
 *   <li>{@code field!=value}, {@code field!=a|b} — none of them (documents without the field too);
 *   <li>{@code field>=x}, {@code field>x}, {@code field<=x}, {@code field<x} — a range over a
 *       number ({@code 2015}, {@code 0.5}) or a date ({@code 2020-01-31} or an ISO instant).
 * </ul>
 *
 * Equality matches by value ({@link dev.quarry.core.index.TermValue}), so {@code year=2015} finds
 * {@code "year": 2015} as well as {@code "year": "2015"}; {@code at=2020-01-31} finds that text and
 * that day's midnight UTC as a date.
 */
public final class FilterExpression {

  private static final Pattern EXPR = Pattern.compile("^\\s*([^=<>!\\s]+)\\s*(>=|<=|!=|=|>|<)\\s*(.*?)\\s*$");

  private FilterExpression() {}

  /** All expressions combined with all-of; empty when there are none. */
  public static Optional<Filter> parseAll(List<String> expressions) {
    List<Filter> filters = new ArrayList<>();
    for (String e : expressions) {
      filters.add(parse(e));
    }
    return switch (filters.size()) {
      case 0 -> Optional.empty();
      case 1 -> Optional.of(filters.getFirst());
      default -> Optional.of(new Filter.AllOf(filters));
    };
  }

  public static Filter parse(String expression) {
    Matcher m = EXPR.matcher(expression);
    if (!m.matches()) {
      throw invalid(expression, "expected FIELD=VALUE, FIELD=A|B, FIELD!=VALUE or FIELD>=, >, <=, < VALUE");
    }
    String field = m.group(1);
    String op = m.group(2);
    String value = m.group(3);
    if (value.isEmpty()) {
      throw invalid(expression, "missing value after '" + op + "'");
    }
    if (op.equals("=") || op.equals("!=")) {
      List<MetadataValue> alternatives = new ArrayList<>();
      for (String v : value.split("\\|", -1)) {
        if (v.isBlank()) {
          throw invalid(expression, "empty alternative in '" + value + "'");
        }
        alternatives.addAll(equalTo(v.strip()));
      }
      Filter equal = alternatives.size() == 1
          ? new Filter.Term(field, alternatives.getFirst()) : new Filter.In(field, alternatives);
      return op.equals("=") ? equal : new Filter.Not(equal);
    }
    MetadataValue bound = typed(value).orElseThrow(() ->
        invalid(expression, "'" + value + "' is neither a number nor a date (YYYY-MM-DD or ISO instant)"));
    return switch (op) {
      case ">=" -> new Filter.Range(field, bound, null, true, false);
      case ">" -> new Filter.Range(field, bound, null, false, false);
      case "<=" -> new Filter.Range(field, null, bound, false, true);
      case "<" -> new Filter.Range(field, null, bound, false, false);
      default -> throw new IllegalStateException("unreachable operator " + op);
    };
  }

  /**
   * The text (which also matches the number, instant or boolean it spells), and for {@code
   * YYYY-MM-DD} also that day's midnight UTC as a date.
   */
  private static List<MetadataValue> equalTo(String v) {
    try {
      return List.of(new MetadataValue.Text(v),
          new MetadataValue.Date(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()));
    } catch (DateTimeParseException notADay) {
      return List.of(new MetadataValue.Text(v));
    }
  }

  private static Optional<MetadataValue> typed(String v) {
    try {
      return Optional.of(new MetadataValue.Number(new BigDecimal(v)));
    } catch (IllegalArgumentException ignored) {
      // not a finite number (NumberFormatException is one); try a date
    }
    try {
      return Optional.of(new MetadataValue.Date(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()));
    } catch (DateTimeParseException ignored) {
      // not a date; try an instant
    }
    try {
      return Optional.of(new MetadataValue.Date(Instant.parse(v)));
    } catch (DateTimeParseException ignored) {
      return Optional.empty();
    }
  }

  private static InvalidInputException invalid(String expression, String why) {
    return new InvalidInputException("invalid --filter '" + expression + "': " + why);
  }
}

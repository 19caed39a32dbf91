package dev.quarry.cli;

import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.index.Filter;
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
 *   <li>{@code field=value} — equals (or the list contains) the value; {@code field=a|b} is any-of;
 *   <li>{@code field>=x}, {@code field>x}, {@code field<=x}, {@code field<x} — a range over a
 *       number ({@code 2015}, {@code 0.5}) or a date ({@code 2020-01-31} or an ISO instant).
 * </ul>
 *
 * A value that reads as a number or date in an equality also matches that typed value, so {@code
 * year=2015} finds {@code "year": 2015} as well as {@code "year": "2015"}.
 */
public final class FilterExpression {

  private static final Pattern EXPR = Pattern.compile("^\\s*([^=<>\\s]+)\\s*(>=|<=|=|>|<)\\s*(.*?)\\s*$");

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
      throw invalid(expression, "expected FIELD=VALUE, FIELD=A|B or FIELD>=, >, <=, < VALUE");
    }
    String field = m.group(1);
    String op = m.group(2);
    String value = m.group(3);
    if (value.isEmpty()) {
      throw invalid(expression, "missing value after '" + op + "'");
    }
    if (op.equals("=")) {
      List<Filter> alternatives = new ArrayList<>();
      for (String v : value.split("\\|", -1)) {
        if (v.isBlank()) {
          throw invalid(expression, "empty alternative in '" + value + "'");
        }
        alternatives.add(new Filter.Term(field, v.strip()));
        typed(v.strip()).ifPresent(t -> alternatives.add(new Filter.Range(field, t, t, true, true)));
      }
      return alternatives.size() == 1 ? alternatives.getFirst() : new Filter.AnyOf(alternatives);
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

  private static Optional<MetadataValue> typed(String v) {
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) {
        return Optional.of(new MetadataValue.Number(d));
      }
    } catch (NumberFormatException ignored) {
      // not a number; try a date
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

package dev.quarry.core.index;

import dev.quarry.core.document.MetadataValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the value of a {@link Filter.Term} (or one of a {@link Filter.In}'s values) matches: a stored
 * metadata value matches when it equals the term's value <em>by value</em>.
 *
 * <ul>
 *   <li>A number matches numbers of the same value, however written ({@code 2023}, {@code 2023.0},
 *       {@code 2.023e3}); a date matches dates at the same millisecond; a boolean the same boolean;
 *       a string the same string, or a list holding it.
 *   <li>A string also matches the number, date or boolean it spells: {@code "2023"} (JSON number
 *       syntax) matches {@code 2023}, {@code "2024-05-01T00:00:00Z"} (an ISO-8601 instant) that
 *       date, {@code "true"} the boolean. Strings are how URLs, command lines and erasure subjects
 *       carry values, and metadata sent as a number must not be out of their reach.
 *   <li>A number, date or boolean also matches text that is its canonical spelling: {@code 42} and
 *       {@code 42.0} match {@code "42"}, {@code true} matches {@code "true"}, a date its instant as
 *       {@code 2024-05-01T00:00:00Z}.
 * </ul>
 *
 * Both the index and the store-side matcher ({@link Filter#matches}) derive their matching from
 * this one record, so they agree.
 *
 * @param texts text values (and list elements) matched exactly
 * @param number the number matched by value, if any
 * @param epochMillis the date matched, at millisecond precision, if any
 * @param bool the boolean matched, if any
 */
public record TermValue(Set<String> texts, OptionalDouble number, OptionalLong epochMillis, Optional<Boolean> bool) {

  private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  public TermValue {
    texts = Set.copyOf(texts);
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(epochMillis, "epochMillis");
    Objects.requireNonNull(bool, "bool");
  }

  /** What {@code value} matches; {@code IllegalArgumentException} for a list, which is not a term. */
  public static TermValue of(MetadataValue value) {
    return switch (value) {
      case MetadataValue.Text t -> new TermValue(Set.of(t.value()), spelledNumber(t.value()),
          spelledDate(t.value()), spelledBool(t.value()));
      case MetadataValue.Number n -> new TermValue(Set.of(n.canonicalText()),
          OptionalDouble.of(n.value()), OptionalLong.empty(), Optional.empty());
      case MetadataValue.Date d -> new TermValue(Set.of(d.value().toString()), OptionalDouble.empty(),
          OptionalLong.of(d.epochMillis()), Optional.empty());
      case MetadataValue.Bool b -> new TermValue(Set.of(Boolean.toString(b.value())), OptionalDouble.empty(),
          OptionalLong.empty(), Optional.of(b.value()));
      case MetadataValue.TextList l -> throw new IllegalArgumentException(
          "a term's value is a string, number, boolean or date, not a list: " + l.values());
    };
  }

  /** Whether a document whose metadata holds {@code stored} under the term's field matches. */
  public boolean matches(MetadataValue stored) {
    return switch (stored) {
      case MetadataValue.Text t -> texts.contains(t.value());
      case MetadataValue.TextList l -> l.values().stream().anyMatch(texts::contains);
      case MetadataValue.Number n -> number.isPresent() && number.getAsDouble() == n.value();
      case MetadataValue.Date d -> epochMillis.isPresent() && epochMillis.getAsLong() == d.epochMillis();
      case MetadataValue.Bool b -> bool.isPresent() && bool.get() == b.value();
    };
  }

  /** Whether any of {@code values} (a list element among them) matches {@code stored}. */
  static boolean anyMatches(List<TermValue> values, MetadataValue stored) {
    return values.stream().anyMatch(v -> v.matches(stored));
  }

  private static OptionalDouble spelledNumber(String s) {
    if (s.isEmpty() || s.length() > 400 || !JSON_NUMBER.matcher(s).matches()) {
      return OptionalDouble.empty();
    }
    double d = Double.parseDouble(s);
    return Double.isFinite(d) ? OptionalDouble.of(d + 0.0) : OptionalDouble.empty();
  }

  private static OptionalLong spelledDate(String s) {
    try {
      return OptionalLong.of(new MetadataValue.Date(Instant.parse(s)).epochMillis());
    } catch (DateTimeParseException notADate) {
      return OptionalLong.empty();
    }
  }

  private static Optional<Boolean> spelledBool(String s) {
    return switch (s) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}

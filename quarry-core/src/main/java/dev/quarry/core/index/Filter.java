package dev.quarry.core.index;

import dev.quarry.core.document.MetadataValue;
import java.util.List;
import java.util.Objects;

/**
 * A metadata filter. Retrievers apply it inside their search, before top-k, so a filtered query
 * still returns k hits when k matching chunks exist.
 */
public sealed interface Filter {

  /**
   * Matches documents whose {@code field} equals {@code value} by value, or whose list contains it:
   * see {@link TermValue} for what equal means across types ({@code 2023}, {@code 2023.0} and
   * {@code "2023"} all match the number 2023). The value is a string, number, boolean or date.
   */
  record Term(String field, MetadataValue value) implements Filter {
    public Term {
      requireField(field);
      requireScalar(field, value);
    }

    /** A term on a string value (which also matches the number, date or boolean it spells). */
    public Term(String field, String value) {
      this(field, new MetadataValue.Text(Objects.requireNonNull(value, "value")));
    }

    /** What the value matches. */
    public TermValue match() {
      return TermValue.of(value);
    }
  }

  /** Matches documents whose {@code field} equals any of {@code values}, each as a {@link Term}. */
  record In(String field, List<MetadataValue> values) implements Filter {
    public In {
      requireField(field);
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("in on '" + field + "' needs at least one value");
      }
      values.forEach(v -> requireScalar(field, v));
    }

    /** What each value matches. */
    public List<TermValue> matches() {
      return values.stream().map(TermValue::of).toList();
    }
  }

  /**
   * Matches numbers or dates in a range. A null bound is open; both bounds, when present, are of
   * the same kind ({@link MetadataValue.Number} or {@link MetadataValue.Date}).
   */
  record Range(String field, MetadataValue lower, MetadataValue upper, boolean includeLower, boolean includeUpper)
      implements Filter {
    public Range {
      requireField(field);
      if (lower == null && upper == null) {
        throw new IllegalArgumentException("range on '" + field + "' needs at least one bound");
      }
      for (MetadataValue b : new MetadataValue[] {lower, upper}) {
        if (b != null && !(b instanceof MetadataValue.Number) && !(b instanceof MetadataValue.Date)) {
          throw new IllegalArgumentException(
              "range on '" + field + "' takes numbers or dates, got: " + b);
        }
      }
      if (lower != null && upper != null && lower.getClass() != upper.getClass()) {
        throw new IllegalArgumentException(
            "range on '" + field + "' mixes a number and a date bound");
      }
    }
  }

  /** Matches when every clause matches. */
  record AllOf(List<Filter> clauses) implements Filter {
    public AllOf {
      clauses = List.copyOf(clauses);
      if (clauses.isEmpty()) {
        throw new IllegalArgumentException("all-of needs at least one clause");
      }
    }
  }

  /** Matches when at least one clause matches. */
  record AnyOf(List<Filter> clauses) implements Filter {
    public AnyOf {
      clauses = List.copyOf(clauses);
      if (clauses.isEmpty()) {
        throw new IllegalArgumentException("any-of needs at least one clause");
      }
    }
  }

  /**
   * Matches when {@code clause} does not, including documents without the clause's field (so
   * {@code not(term(lang, en))} keeps documents with no {@code lang}).
   */
  record Not(Filter clause) implements Filter {
    public Not {
      Objects.requireNonNull(clause, "clause");
    }
  }

  /** Nesting depth: 1 for a leaf. Callers bound it to refuse pathological filters. */
  default int depth() {
    return switch (this) {
      case Term t -> 1;
      case In in -> 1;
      case Range r -> 1;
      case Not not -> 1 + not.clause().depth();
      case AllOf a -> 1 + a.clauses().stream().mapToInt(Filter::depth).max().orElse(0);
      case AnyOf a -> 1 + a.clauses().stream().mapToInt(Filter::depth).max().orElse(0);
    };
  }

  /**
   * Whether a document with {@code metadata} matches, by the same rules the index applies (terms
   * by value as {@link TermValue} says; ranges compare numbers with numbers and dates with dates,
   * dates at millisecond precision). For documents not yet indexed, such as those still in
   * ingestion.
   */
  default boolean matches(dev.quarry.core.document.Metadata metadata) {
    return switch (this) {
      case Term t -> metadata.get(t.field()).map(t.match()::matches).orElse(false);
      case In in -> metadata.get(in.field()).map(v -> TermValue.anyMatches(in.matches(), v)).orElse(false);
      case Range r -> inRange(r, metadata.values().get(r.field()));
      case AllOf a -> a.clauses().stream().allMatch(c -> c.matches(metadata));
      case AnyOf a -> a.clauses().stream().anyMatch(c -> c.matches(metadata));
      case Not not -> !not.clause().matches(metadata);
    };
  }

  private static boolean inRange(Range r, MetadataValue value) {
    MetadataValue bound = r.lower() != null ? r.lower() : r.upper();
    if (value == null || value.getClass() != bound.getClass()) {
      return false;
    }
    if (r.lower() != null) {
      int c = compare(value, r.lower());
      if (c < 0 || (c == 0 && !r.includeLower())) {
        return false;
      }
    }
    if (r.upper() != null) {
      int c = compare(value, r.upper());
      return c < 0 || (c == 0 && r.includeUpper());
    }
    return true;
  }

  /** Compares two numbers (as doubles) or two dates (at millisecond precision). */
  private static int compare(MetadataValue value, MetadataValue bound) {
    return switch (value) {
      case MetadataValue.Number n -> Double.compare(n.value(), ((MetadataValue.Number) bound).value());
      case MetadataValue.Date d -> Long.compare(d.epochMillis(), ((MetadataValue.Date) bound).epochMillis());
      default -> throw new IllegalArgumentException("not a number or date: " + value);
    };
  }

  private static void requireScalar(String field, MetadataValue value) {
    Objects.requireNonNull(value, "value of '" + field + "'");
    if (value instanceof MetadataValue.TextList) {
      throw new IllegalArgumentException(
          "a value to match on '" + field + "' is a string, number, boolean or date, not a list");
    }
  }

  private static void requireField(String field) {
    if (field == null || field.isBlank()) {
      throw new IllegalArgumentException("filter field must not be blank");
    }
  }
}

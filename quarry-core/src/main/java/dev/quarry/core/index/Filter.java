package dev.quarry.core.index;

import dev.quarry.core.document.MetadataValue;
import java.util.List;
import java.util.Objects;

/**
 * A metadata filter. Retrievers apply it inside their search, before top-k, so a filtered query
 * still returns k hits when k matching chunks exist.
 */
public sealed interface Filter {

  /** Matches documents whose {@code field} equals {@code value} (or whose list contains it). */
  record Term(String field, String value) implements Filter {
    public Term {
      requireField(field);
      Objects.requireNonNull(value, "value");
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

  /** Nesting depth: 1 for a leaf. Callers bound it to refuse pathological filters. */
  default int depth() {
    return switch (this) {
      case Term t -> 1;
      case Range r -> 1;
      case AllOf a -> 1 + a.clauses().stream().mapToInt(Filter::depth).max().orElse(0);
      case AnyOf a -> 1 + a.clauses().stream().mapToInt(Filter::depth).max().orElse(0);
    };
  }

  /**
   * Whether a document with {@code metadata} matches, by the same rules the index applies (terms
   * match text or a list element; ranges compare numbers with numbers and dates with dates, dates
   * at millisecond precision). For documents not yet indexed, such as those still in ingestion.
   */
  default boolean matches(dev.quarry.core.document.Metadata metadata) {
    return switch (this) {
      case Term t -> switch (metadata.values().get(t.field())) {
        case MetadataValue.Text text -> text.value().equals(t.value());
        case MetadataValue.TextList list -> list.values().contains(t.value());
        case null, default -> false;
      };
      case Range r -> inRange(r, metadata.values().get(r.field()));
      case AllOf a -> a.clauses().stream().allMatch(c -> c.matches(metadata));
      case AnyOf a -> a.clauses().stream().anyMatch(c -> c.matches(metadata));
    };
  }

  private static boolean inRange(Range r, MetadataValue value) {
    MetadataValue bound = r.lower() != null ? r.lower() : r.upper();
    if (value == null || value.getClass() != bound.getClass()) {
      return false;
    }
    double v = comparable(value);
    if (r.lower() != null) {
      double lo = comparable(r.lower());
      if (v < lo || (v == lo && !r.includeLower())) {
        return false;
      }
    }
    if (r.upper() != null) {
      double hi = comparable(r.upper());
      return v < hi || (v == hi && r.includeUpper());
    }
    return true;
  }

  private static double comparable(MetadataValue value) {
    return switch (value) {
      case MetadataValue.Number n -> n.value();
      case MetadataValue.Date d -> d.value().toEpochMilli();
      default -> throw new IllegalArgumentException("not a number or date: " + value);
    };
  }

  private static void requireField(String field) {
    if (field == null || field.isBlank()) {
      throw new IllegalArgumentException("filter field must not be blank");
    }
  }
}

package dev.quarry.lucene;

import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.Filter;
import java.time.Instant;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Translates a core {@link Filter} into a Lucene query over the metadata fields of
 * {@link IndexFields}. Matching is exact and typed:
 *
 * <ul>
 *   <li>{@link Filter.Term} matches a text value equal to the term, or a text list containing it;
 *       it never matches numbers or dates.
 *   <li>{@link Filter.Range} with number bounds matches number values, with date bounds date values
 *       (compared at millisecond precision); on a key with no such values it matches nothing.
 *   <li>{@link Filter.AllOf} and {@link Filter.AnyOf} are conjunction and disjunction.
 * </ul>
 *
 * The result is used for matching only (a FILTER clause, or the pre-filter of a vector search), so
 * it contributes no score.
 */
final class FilterQueries {

  private FilterQueries() {}

  static Query toQuery(Filter filter) {
    return switch (filter) {
      case Filter.Term t -> new TermQuery(new Term(IndexFields.metadataText(t.field()), t.value()));
      case Filter.Range r -> range(r);
      case Filter.AllOf all -> combine(all.clauses(), BooleanClause.Occur.FILTER);
      case Filter.AnyOf any -> combine(any.clauses(), BooleanClause.Occur.SHOULD);
    };
  }

  private static Query combine(java.util.List<Filter> clauses, BooleanClause.Occur occur) {
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    for (Filter clause : clauses) {
      builder.add(toQuery(clause), occur);
    }
    return builder.build();
  }

  private static Query range(Filter.Range r) {
    MetadataValue bound = r.lower() != null ? r.lower() : r.upper();
    return switch (bound) {
      case MetadataValue.Number n -> numberRange(r);
      case MetadataValue.Date d -> dateRange(r);
      default -> throw new IllegalArgumentException(
          "range on '" + r.field() + "' takes numbers or dates, got: " + bound);
    };
  }

  private static Query numberRange(Filter.Range r) {
    double lower = Double.NEGATIVE_INFINITY;
    double upper = Double.POSITIVE_INFINITY;
    if (r.lower() instanceof MetadataValue.Number n) {
      lower = r.includeLower() ? normalise(n.value()) : DoublePoint.nextUp(normalise(n.value()));
    }
    if (r.upper() instanceof MetadataValue.Number n) {
      upper = r.includeUpper() ? normalise(n.value()) : DoublePoint.nextDown(normalise(n.value()));
    }
    if (Double.compare(lower, upper) > 0) {
      return new MatchNoDocsQuery("empty number range on '" + r.field() + "'");
    }
    return DoublePoint.newRangeQuery(IndexFields.metadataNumber(r.field()), lower, upper);
  }

  private static Query dateRange(Filter.Range r) {
    long lower = Long.MIN_VALUE;
    long upper = Long.MAX_VALUE;
    if (r.lower() instanceof MetadataValue.Date d) {
      long millis = epochMillis(d.value());
      if (!r.includeLower()) {
        if (millis == Long.MAX_VALUE) {
          return new MatchNoDocsQuery("empty date range on '" + r.field() + "'");
        }
        millis++;
      }
      lower = millis;
    }
    if (r.upper() instanceof MetadataValue.Date d) {
      long millis = epochMillis(d.value());
      if (!r.includeUpper()) {
        if (millis == Long.MIN_VALUE) {
          return new MatchNoDocsQuery("empty date range on '" + r.field() + "'");
        }
        millis--;
      }
      upper = millis;
    }
    if (lower > upper) {
      return new MatchNoDocsQuery("empty date range on '" + r.field() + "'");
    }
    return LongPoint.newRangeQuery(IndexFields.metadataDate(r.field()), lower, upper);
  }

  /**
   * Epoch milliseconds (sub-millisecond precision dropped, rounding down), clamped to the long
   * range for instants too far from 1970 to fit.
   */
  static long epochMillis(Instant instant) {
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Maps -0.0 to 0.0: points order them apart, metadata users do not. */
  static double normalise(double value) {
    return value + 0.0;
  }
}

package dev.quarry.lucene;

import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.TermValue;
import java.util.List;
import java.util.TreeSet;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Translates a core {@link Filter} into a Lucene query over the metadata fields of
 * {@link IndexFields}. Matching is exact and typed:
 *
 * <ul>
 *   <li>{@link Filter.Term} and {@link Filter.In} match by value, as {@link TermValue} defines: the
 *       texts it matches in the text field, its number in the number field, its date in the date
 *       field, its boolean in the boolean field, any of them.
 *   <li>{@link Filter.Range} with number bounds matches number values, with date bounds date values
 *       (compared at millisecond precision); on a key with no such values it matches nothing.
 *   <li>{@link Filter.AllOf} and {@link Filter.AnyOf} are conjunction and disjunction; {@link
 *       Filter.Not} is every document but those its clause matches.
 * </ul>
 *
 * The result is used for matching only (a FILTER clause, or the pre-filter of a vector search), so
 * it contributes no score.
 */
final class FilterQueries {

  private FilterQueries() {}

  static Query toQuery(Filter filter) {
    return switch (filter) {
      case Filter.Term t -> equality(t.field(), List.of(t.match()));
      case Filter.In in -> equality(in.field(), in.matches());
      case Filter.Range r -> range(r);
      case Filter.AllOf all -> combine(all.clauses(), BooleanClause.Occur.FILTER);
      case Filter.AnyOf any -> combine(any.clauses(), BooleanClause.Occur.SHOULD);
      case Filter.Not not -> new BooleanQuery.Builder()
          .add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER)
          .add(toQuery(not.clause()), BooleanClause.Occur.MUST_NOT)
          .build();
    };
  }

  /** Documents whose {@code field} holds a value any of {@code values} matches, in any of its types. */
  private static Query equality(String field, List<TermValue> values) {
    TreeSet<BytesRef> texts = new TreeSet<>();
    TreeSet<Double> numbers = new TreeSet<>();
    TreeSet<Long> dates = new TreeSet<>();
    TreeSet<BytesRef> bools = new TreeSet<>();
    for (TermValue v : values) {
      v.texts().forEach(t -> texts.add(new BytesRef(t)));
      v.number().ifPresent(n -> numbers.add(normalise(n)));
      v.epochMillis().ifPresent(dates::add);
      v.bool().ifPresent(b -> bools.add(new BytesRef(Boolean.toString(b))));
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    if (!texts.isEmpty()) {
      any.add(new TermInSetQuery(IndexFields.metadataText(field), texts), BooleanClause.Occur.SHOULD);
    }
    if (!numbers.isEmpty()) {
      any.add(DoublePoint.newSetQuery(IndexFields.metadataNumber(field),
          numbers.stream().mapToDouble(Double::doubleValue).toArray()), BooleanClause.Occur.SHOULD);
    }
    if (!dates.isEmpty()) {
      any.add(LongPoint.newSetQuery(IndexFields.metadataDate(field),
          dates.stream().mapToLong(Long::longValue).toArray()), BooleanClause.Occur.SHOULD);
    }
    if (!bools.isEmpty()) {
      any.add(new TermInSetQuery(IndexFields.metadataBool(field), bools), BooleanClause.Occur.SHOULD);
    }
    BooleanQuery query = any.build();
    return query.clauses().isEmpty() ? new MatchNoDocsQuery("no value to match on '" + field + "'") : query;
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
      long millis = d.epochMillis();
      if (!r.includeLower()) {
        if (millis == Long.MAX_VALUE) {
          return new MatchNoDocsQuery("empty date range on '" + r.field() + "'");
        }
        millis++;
      }
      lower = millis;
    }
    if (r.upper() instanceof MetadataValue.Date d) {
      long millis = d.epochMillis();
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

  /** Maps -0.0 to 0.0: points order them apart, metadata users do not. */
  static double normalise(double value) {
    return value + 0.0;
  }
}

package dev.quarry.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.document.MetadataValue;
import dev.quarry.core.index.Filter;
import dev.quarry.core.index.TermValue;
import dev.quarry.server.error.ApiException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a filter from JSON, pointing at the offending node on any mistake:
 *
 * <pre>
 * {"term":  {"field": "lang", "value": "en"}}                  a string, number or boolean
 * {"in":    {"field": "lang", "values": ["en", "de"]}}          any of them
 * {"range": {"field": "year", "gte": 2020, "lt": 2024}}        numbers, or ISO-8601 instants
 * {"all_of": [filter, ...]}     {"any_of": [filter, ...]}     {"not": filter}
 * </pre>
 *
 * Terms match by value ({@link dev.quarry.core.index.TermValue}): {@code 2023}, {@code 2023.0} and
 * {@code "2023"} all match the number 2023, and {@code "2024-05-01T00:00:00Z"} the date. A range's
 * bounds must be numbers or instants; a string that spells a number is refused there, saying so.
 *
 * Depth is checked while descending, so a pathologically nested filter is refused before it is
 * built (and before it can exhaust the stack).
 */
final class FilterJson {

  private static final String KINDS = "term, in, range, all_of, any_of, not";

  private final int maxDepth;

  FilterJson(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  Filter read(JsonNode node, String pointer) {
    return read(node, pointer, 1);
  }

  private Filter read(JsonNode node, String pointer, int depth) {
    if (depth > maxDepth) {
      throw ApiException.invalidAt(pointer, "filter nested deeper than the limit of " + maxDepth);
    }
    if (!node.isObject() || node.size() != 1) {
      throw ApiException.invalidAt(pointer, "a filter is an object with exactly one of: " + KINDS);
    }
    Map.Entry<String, JsonNode> e = node.properties().iterator().next();
    String at = pointer + "/" + e.getKey();
    JsonNode body = e.getValue();
    return switch (e.getKey()) {
      case "term" -> term(body, at);
      case "in" -> in(body, at);
      case "range" -> range(body, at);
      case "all_of" -> new Filter.AllOf(clauses(body, at, depth));
      case "any_of" -> new Filter.AnyOf(clauses(body, at, depth));
      case "not" -> new Filter.Not(read(body, at, depth + 1));
      default -> throw ApiException.invalidAt(at, "unknown filter '" + e.getKey() + "': use one of " + KINDS);
    };
  }

  private List<Filter> clauses(JsonNode body, String at, int depth) {
    if (!body.isArray() || body.isEmpty()) {
      throw ApiException.invalidAt(at, "expected a non-empty array of filters");
    }
    List<Filter> out = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      out.add(read(body.get(i), at + "/" + i, depth + 1));
    }
    return out;
  }

  private static Filter term(JsonNode body, String at) {
    requireFields(body, at, Set.of("field", "value"));
    String field = text(body, at, "field");
    return new Filter.Term(field, value(body.get("value"), at + "/value"));
  }

  private static Filter in(JsonNode body, String at) {
    requireFields(body, at, Set.of("field", "values"));
    String field = text(body, at, "field");
    JsonNode values = body.get("values");
    if (values == null || !values.isArray() || values.isEmpty()) {
      throw ApiException.invalidAt(at + "/values", "expected a non-empty array of strings, numbers or booleans");
    }
    List<MetadataValue> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(value(values.get(i), at + "/values/" + i));
    }
    return new Filter.In(field, out);
  }

  /** A value to match: a string (which also matches what it spells), a number or a boolean. */
  private static MetadataValue value(JsonNode v, String at) {
    if (v != null && v.isTextual()) {
      return new MetadataValue.Text(v.asText());
    }
    if (v != null && v.isNumber()) {
      return MetadataJson.number(v, at, "expected a finite number");
    }
    if (v != null && v.isBoolean()) {
      return new MetadataValue.Bool(v.booleanValue());
    }
    throw ApiException.invalidAt(at, "expected a string, number or boolean");
  }

  private static Filter range(JsonNode body, String at) {
    requireFields(body, at, Set.of("field", "gte", "gt", "lte", "lt"));
    String field = text(body, at, "field");
    if (body.has("gte") && body.has("gt") || body.has("lte") && body.has("lt")) {
      throw ApiException.invalidAt(at, "use at most one lower bound (gte or gt) and one upper bound (lte or lt)");
    }
    String lowerKey = body.has("gte") ? "gte" : "gt";
    String upperKey = body.has("lte") ? "lte" : "lt";
    MetadataValue lower = bound(body, at, lowerKey);
    MetadataValue upper = bound(body, at, upperKey);
    if (lower == null && upper == null) {
      throw ApiException.invalidAt(at, "a range needs at least one of gte, gt, lte, lt");
    }
    if (lower != null && upper != null && lower.getClass() != upper.getClass()) {
      throw ApiException.invalidAt(at, "a range's bounds must both be numbers or both be dates");
    }
    return new Filter.Range(field, lower, upper, lowerKey.equals("gte"), upperKey.equals("lte"));
  }

  private static MetadataValue bound(JsonNode body, String at, String key) {
    JsonNode v = body.get(key);
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return MetadataJson.number(v, at + "/" + key, "expected a finite number");
    }
    if (v.isTextual()) {
      try {
        return new MetadataValue.Date(Instant.parse(v.asText()));
      } catch (DateTimeParseException e) {
        if (TermValue.of(new MetadataValue.Text(v.asText())).number().isPresent()) {
          throw ApiException.invalidAt(at + "/" + key, "expected a number or an ISO-8601 instant; \""
              + v.asText() + "\" is a string: write the number without quotes");
        }
        throw ApiException.invalidAt(at + "/" + key, "expected a number or an ISO-8601 instant such as 2024-01-31T00:00:00Z");
      }
    }
    throw ApiException.invalidAt(at + "/" + key, "expected a number or an ISO-8601 instant");
  }

  private static String text(JsonNode body, String at, String key) {
    JsonNode v = body.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw ApiException.invalidAt(at + "/" + key, "expected a non-blank string");
    }
    return v.asText();
  }

  private static void requireFields(JsonNode body, String at, Set<String> allowed) {
    if (!body.isObject()) {
      throw ApiException.invalidAt(at, "expected an object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw ApiException.invalidAt(at + "/" + name, "unknown field '" + name + "'");
      }
    }
  }
}

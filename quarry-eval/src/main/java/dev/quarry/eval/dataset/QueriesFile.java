package dev.quarry.eval.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a BEIR {@code queries.jsonl}: one JSON object per line with a string (or integer) {@code
 * _id} and a string {@code text}; other fields (BEIR's {@code metadata}) are ignored. Blank lines are
 * skipped; a repeated id, a missing field or a line that is not a JSON object is an error reported
 * as {@code file:line: reason}.
 */
public final class QueriesFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private QueriesFile() {}

  /** All queries, in file order. */
  public static List<Query> read(Path file) {
    List<Query> queries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    TextLines.forEach(
        file,
        (number, line) -> {
          if (line.isBlank()) {
            return;
          }
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            throw TextLines.malformed(file, number, "not valid JSON: " + e.getOriginalMessage());
          }
          if (!node.isObject()) {
            throw TextLines.malformed(file, number, "expected a JSON object, got: " + node.getNodeType());
          }
          JsonNode id = node.get("_id");
          if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
            throw TextLines.malformed(file, number, "missing or blank string field '_id'");
          }
          JsonNode text = node.get("text");
          if (text == null || !text.isTextual()) {
            throw TextLines.malformed(file, number, "query '" + id.asText() + "' has no string field 'text'");
          }
          if (!seen.add(id.asText())) {
            throw TextLines.malformed(file, number, "duplicate query id '" + id.asText() + "'");
          }
          queries.add(new Query(id.asText(), text.asText()));
        });
    return queries;
  }
}

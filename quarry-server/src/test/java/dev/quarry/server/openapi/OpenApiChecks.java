package dev.quarry.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structural checks that catch a broken OpenAPI document: the version, every {@code {param}} of a
 * path declared as a required path parameter (and no others), unique operation ids, a description
 * on every response, and every {@code $ref} resolving inside the document.
 */
public final class OpenApiChecks {

  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^/{}]+)}");
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private OpenApiChecks() {}

  /** What is wrong with {@code doc}, one line each; empty when nothing is. */
  public static List<String> problems(JsonNode doc) {
    List<String> out = new ArrayList<>();
    if (!"3.1.0".equals(doc.path("openapi").asText())) {
      out.add("openapi must be 3.1.0, got: " + doc.path("openapi"));
    }
    refs(doc, doc, "", out);
    Map<String, String> operationIds = new HashMap<>();
    doc.path("paths").properties().forEach(path -> {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = PATH_PARAM.matcher(path.getKey());
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      path.getValue().properties().forEach(op -> {
        String where = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
        if (!METHODS.contains(op.getKey())) {
          out.add(where + ": not an HTTP method");
          return;
        }
        Set<String> declared = new TreeSet<>();
        for (JsonNode p : op.getValue().path("parameters")) {
          JsonNode param = p.has("$ref") ? resolve(doc, p.get("$ref").asText()) : p;
          if (param != null && "path".equals(param.path("in").asText())) {
            declared.add(param.path("name").asText());
            if (!param.path("required").asBoolean(false)) {
              out.add(where + ": path parameter " + param.path("name").asText() + " must be required");
            }
          }
        }
        if (!declared.equals(inTemplate)) {
          out.add(where + ": path parameters declared " + declared + " but the path has " + inTemplate);
        }
        JsonNode id = op.getValue().get("operationId");
        if (id != null) {
          String before = operationIds.put(id.asText(), where);
          if (before != null) {
            out.add("operationId " + id.asText() + " is used by both " + before + " and " + where);
          }
        }
        JsonNode responses = op.getValue().path("responses");
        if (responses.isEmpty()) {
          out.add(where + ": no responses");
        }
        responses.properties().forEach(r -> {
          JsonNode response = r.getValue().has("$ref") ? resolve(doc, r.getValue().get("$ref").asText()) : r.getValue();
          if (response != null && !response.path("description").isTextual()) {
            out.add(where + " " + r.getKey() + ": a response needs a description");
          }
        });
      });
    });
    return out;
  }

  private static void refs(JsonNode doc, JsonNode node, String at, List<String> out) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && resolve(doc, ref.asText()) == null) {
        out.add(at + ": $ref " + ref.asText() + " does not resolve");
      }
      node.properties().forEach(e -> refs(doc, e.getValue(), at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        refs(doc, node.get(i), at + "/" + i, out);
      }
    }
  }

  /** The node a local {@code $ref} points at, or null. */
  static JsonNode resolve(JsonNode doc, String ref) {
    if (!ref.startsWith("#/")) {
      return null;
    }
    JsonNode target = doc.at(ref.substring(1));
    return target.isMissingNode() ? null : target;
  }
}

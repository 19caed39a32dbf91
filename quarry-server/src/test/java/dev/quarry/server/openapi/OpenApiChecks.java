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

  /**
   * What Redocly's {@code recommended} ruleset (as of @redocly/cli 2.x) reports about {@code doc},
   * errors and warnings alike, one line each starting with the rule's name; empty when nothing. The
   * rules checked: {@code no-empty-servers}, {@code no-server-example.com}, {@code
   * no-server-trailing-slash}, {@code info-license}, {@code info-license-strict}, {@code
   * operation-summary}, {@code operation-operationId}, {@code operation-2xx-response}, {@code
   * operation-4xx-response}, {@code security-defined}, {@code operation-parameters-unique}, {@code
   * no-path-trailing-slash}, {@code path-not-include-query}, {@code no-identical-paths} and {@code
   * no-unused-components}. Written here so that the build checks them without npm.
   */
  public static List<String> recommendedRules(JsonNode doc) {
    List<String> out = new ArrayList<>();
    JsonNode servers = doc.path("servers");
    if (!servers.isArray() || servers.isEmpty()) {
      out.add("no-empty-servers: servers must be present");
    }
    for (JsonNode server : servers) {
      String url = server.path("url").asText("");
      if (url.isEmpty()) {
        out.add("no-empty-servers: a server needs a url");
      }
      if (url.contains("example.com")) {
        out.add("no-server-example.com: server url " + url);
      }
      if (url.endsWith("/") && !url.equals("/")) {
        out.add("no-server-trailing-slash: server url " + url);
      }
    }
    JsonNode license = doc.path("info").path("license");
    if (!license.isObject()) {
      out.add("info-license: info must contain license");
    } else if (!license.has("url") && !license.has("identifier")) {
      out.add("info-license-strict: license must have a url or an identifier");
    }
    Set<String> schemes = new TreeSet<>();
    doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
    boolean rootSecurity = doc.has("security");
    Map<String, String> normalisedPaths = new HashMap<>();
    doc.path("paths").properties().forEach(path -> {
      String template = path.getKey();
      if (template.length() > 1 && template.endsWith("/")) {
        out.add("no-path-trailing-slash: " + template);
      }
      if (template.contains("?")) {
        out.add("path-not-include-query: " + template);
      }
      String normalised = PATH_PARAM.matcher(template).replaceAll("{}");
      String before = normalisedPaths.put(normalised, template);
      if (before != null) {
        out.add("no-identical-paths: " + before + " and " + template);
      }
      path.getValue().properties().forEach(op -> {
        if (!METHODS.contains(op.getKey())) {
          return;
        }
        String where = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + template;
        JsonNode o = op.getValue();
        if (o.path("summary").asText("").isBlank()) {
          out.add("operation-summary: " + where);
        }
        if (o.path("operationId").asText("").isBlank()) {
          out.add("operation-operationId: " + where);
        }
        List<String> statuses = new ArrayList<>();
        o.path("responses").fieldNames().forEachRemaining(statuses::add);
        if (statuses.stream().noneMatch(st -> st.startsWith("2"))) {
          out.add("operation-2xx-response: " + where);
        }
        if (statuses.stream().noneMatch(st -> st.startsWith("4"))) {
          out.add("operation-4xx-response: " + where);
        }
        if (!o.has("security") && !rootSecurity) {
          out.add("security-defined: " + where);
        }
        for (JsonNode requirement : o.path("security")) {
          requirement.fieldNames().forEachRemaining(name -> {
            if (!schemes.contains(name)) {
              out.add("security-defined: " + where + " names scheme " + name + ", which is not in securitySchemes");
            }
          });
        }
        Set<String> seen = new TreeSet<>();
        for (JsonNode p : o.path("parameters")) {
          JsonNode param = p.has("$ref") ? resolve(doc, p.get("$ref").asText()) : p;
          if (param != null && !seen.add(param.path("in").asText() + ":" + param.path("name").asText())) {
            out.add("operation-parameters-unique: " + where + " declares " + param.path("name").asText() + " twice");
          }
        }
      });
    });
    Set<String> referenced = new TreeSet<>();
    collectRefs(doc, referenced);
    doc.path("components").properties().forEach(kind -> {
      if (kind.getKey().equals("securitySchemes")) {
        return;
      }
      kind.getValue().fieldNames().forEachRemaining(name -> {
        String ref = "#/components/" + kind.getKey() + "/" + name;
        if (!referenced.contains(ref)) {
          out.add("no-unused-components: " + ref);
        }
      });
    });
    return out;
  }

  private static void collectRefs(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual()) {
        out.add(ref.asText());
      }
      node.properties().forEach(e -> collectRefs(e.getValue(), out));
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
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

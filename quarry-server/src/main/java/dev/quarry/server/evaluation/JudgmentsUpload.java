package dev.quarry.server.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.eval.dataset.EvalSplit;
import dev.quarry.eval.dataset.Qrels;
import dev.quarry.eval.dataset.Query;
import dev.quarry.server.error.ApiException;
import dev.quarry.store.evaluation.JudgmentSet;
import dev.quarry.store.evaluation.NewJudgments;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A query set with relevance judgments as uploaded with {@code PUT /v1/judgments/{judgments}}:
 * {@code format} {@code beir} or {@code trec}; {@code queries} an object of query id to text, or
 * the text of a BEIR {@code queries.jsonl} ({@code {"_id", "text"}} per line) or of a TREC topics
 * list ({@code id<TAB>text} per line); {@code qrels} the text of a BEIR qrels file ({@code
 * query-id<TAB>corpus-id<TAB>score}, header optional) or of TREC qrels ({@code qid iter docid rel}).
 * Only judged queries are kept (as BEIR and trec_eval evaluate); every judged query must be among
 * the queries. Errors name the field and the line.
 */
public final class JudgmentsUpload {

  /** Most queries a set may hold. */
  public static final int MAX_QUERIES = 10_000;

  /** Most judgments a set may hold. */
  public static final int MAX_JUDGMENTS = 1_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BEIR_HEADER = "query-id\tcorpus-id\tscore";

  private JudgmentsUpload() {}

  /** The normalised set to store under {@code name}. */
  public static NewJudgments parse(String name, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalidAt("", "expected an object with format, queries and qrels");
    }
    for (var field : body.properties()) {
      if (!Set.of("format", "queries", "qrels").contains(field.getKey())) {
        throw ApiException.invalidAt("/" + field.getKey(), "unknown field; expected format, queries and qrels");
      }
    }
    JsonNode f = body.get("format");
    if (f == null || !f.isTextual() || !Set.of("beir", "trec").contains(f.asText().toLowerCase(Locale.ROOT))) {
      throw ApiException.invalidAt("/format", "format must be \"beir\" or \"trec\"");
    }
    String format = f.asText().toLowerCase(Locale.ROOT);
    Map<String, String> queries = queries(body.get("queries"), format);
    JsonNode q = body.get("qrels");
    if (q == null || !q.isTextual() || q.asText().isBlank()) {
      throw ApiException.invalidAt("/qrels", "qrels must be the text of a " + format + " qrels file");
    }
    Map<String, Map<String, Integer>> grades = format.equals("beir") ? beirQrels(q.asText()) : trecQrels(q.asText());
    int judgments = 0;
    StringBuilder qrels = new StringBuilder();
    ObjectNode judged = JSON.createObjectNode();
    for (var e : grades.entrySet()) {
      String text = queries.get(e.getKey());
      if (text == null) {
        throw ApiException.invalidAt("/qrels", "query '" + e.getKey() + "' is judged but is not among the queries");
      }
      judged.put(e.getKey(), text);
      for (var g : e.getValue().entrySet()) {
        qrels.append(e.getKey()).append('\t').append(g.getKey()).append('\t').append(g.getValue()).append('\n');
        judgments++;
      }
    }
    if (judgments > MAX_JUDGMENTS) {
      throw ApiException.invalidAt("/qrels", "at most " + MAX_JUDGMENTS + " judgments, got " + judgments);
    }
    String queriesJson = judged.toString();
    return new NewJudgments(name, format, queriesJson, qrels.toString(), judged.size(), judgments,
        sha256(queriesJson + "\n" + qrels));
  }

  /** The stored set as the evaluator reads it: its judged queries in upload order, and their qrels. */
  public static EvalSplit split(JudgmentSet set) {
    List<Query> queries = new ArrayList<>();
    try {
      JSON.readTree(set.queries()).properties().forEach(e -> queries.add(new Query(e.getKey(), e.getValue().asText())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored judgments '" + set.name() + "' are unreadable", e);
    }
    Map<String, Map<String, Integer>> grades = new LinkedHashMap<>();
    for (String line : set.qrels().split("\n")) {
      if (!line.isEmpty()) {
        String[] f = line.split("\t");
        grades.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], Integer.parseInt(f[2]));
      }
    }
    return new EvalSplit(set.name(), queries, new Qrels(grades));
  }

  private static Map<String, String> queries(JsonNode node, String format) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      for (var e : node.properties()) {
        if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
          throw ApiException.invalidAt("/queries/" + pointerEscape(e.getKey()), "a query's text must be a non-blank string");
        }
        out.put(id(e.getKey(), "/queries", 0), e.getValue().asText());
      }
    } else if (node != null && node.isTextual()) {
      String[] lines = node.asText().split("\r?\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (line.isBlank()) {
          continue;
        }
        String qid;
        String text;
        if (format.equals("beir")) {
          JsonNode q;
          try {
            q = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            throw ApiException.invalidAt("/queries", "line " + (i + 1) + ": not valid JSON: " + e.getOriginalMessage());
          }
          if (!q.isObject() || !q.has("_id") || q.get("text") == null || !q.get("text").isTextual()) {
            throw ApiException.invalidAt("/queries", "line " + (i + 1) + ": expected {\"_id\": ..., \"text\": ...}");
          }
          qid = q.get("_id").asText();
          text = q.get("text").asText();
        } else {
          String[] f = line.strip().split("[\t ]", 2);
          if (f.length < 2 || f[1].isBlank()) {
            throw ApiException.invalidAt("/queries", "line " + (i + 1) + ": expected a query id, a tab and its text");
          }
          qid = f[0];
          text = f[1].strip();
        }
        if (out.put(id(qid, "/queries", i + 1), text) != null) {
          throw ApiException.invalidAt("/queries", "line " + (i + 1) + ": duplicate query id '" + qid + "'");
        }
      }
    } else {
      throw ApiException.invalidAt("/queries", "queries must be an object of id to text, or the text of a "
          + (format.equals("beir") ? "BEIR queries.jsonl" : "TREC topics list (id<TAB>text per line)"));
    }
    if (out.isEmpty() || out.size() > MAX_QUERIES) {
      throw ApiException.invalidAt("/queries", "1.." + MAX_QUERIES + " queries are needed, got " + out.size());
    }
    return out;
  }

  private static Map<String, Map<String, Integer>> beirQrels(String text) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || (i == 0 && line.strip().equals(BEIR_HEADER))) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 3) {
        throw ApiException.invalidAt("/qrels", "line " + (i + 1) + ": expected query-id<TAB>corpus-id<TAB>score, got "
            + f.length + " fields");
      }
      add(out, f[0], f[1], f[2], i + 1);
    }
    return nonEmpty(out);
  }

  private static Map<String, Map<String, Integer>> trecQrels(String text) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 4) {
        throw ApiException.invalidAt("/qrels", "line " + (i + 1) + ": expected 'qid iter docid rel', got " + f.length
            + " fields");
      }
      add(out, f[0], f[2], f[3], i + 1);
    }
    return nonEmpty(out);
  }

  private static void add(Map<String, Map<String, Integer>> out, String qid, String doc, String grade, int line) {
    int g;
    try {
      g = Integer.parseInt(grade.strip());
    } catch (NumberFormatException e) {
      throw ApiException.invalidAt("/qrels", "line " + line + ": the relevance must be an integer, got '" + grade + "'");
    }
    String q = id(qid.strip(), "/qrels", line);
    String d = id(doc.strip(), "/qrels", line);
    if (out.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, g) != null) {
      throw ApiException.invalidAt("/qrels", "line " + line + ": query '" + q + "' judges document '" + d + "' twice");
    }
  }

  private static Map<String, Map<String, Integer>> nonEmpty(Map<String, Map<String, Integer>> out) {
    if (out.isEmpty()) {
      throw ApiException.invalidAt("/qrels", "no judgments");
    }
    return out;
  }

  private static String id(String raw, String pointer, int line) {
    if (raw.isEmpty() || raw.length() > 256 || raw.chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20)) {
      throw ApiException.invalidAt(pointer, (line > 0 ? "line " + line + ": " : "")
          + "an id must be 1-256 characters without whitespace, got '" + raw + "'");
    }
    return raw;
  }

  private static String pointerEscape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

package dev.quarry.server.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.search.Fusion;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.Rerank;
import dev.quarry.core.search.SearchMode;
import dev.quarry.core.search.SearchRequest;
import dev.quarry.core.search.VectorFeedback;
import dev.quarry.eval.compare.PairedComparison;
import dev.quarry.server.error.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an evaluation job compares, as {@code POST /v1/evaluations} takes it: a {@code collection}
 * of the caller's tenant, a stored judgment set ({@code judgments}), 1-{@value #MAX_CONFIGURATIONS}
 * named {@code configurations} ({@code name}, and optionally the {@link #RANKING_FIELDS}: a search's
 * fields, with a search's defaults), the {@code baseline} the others are compared with (a
 * configuration's name; the first by default) and the randomisation test's {@code trials} (default
 * {@value PairedComparison#DEFAULT_TRIALS}).
 */
public record EvaluationSpec(String collection, String judgments, List<Named> configurations, String baseline,
    int trials) {

  public static final int MAX_CONFIGURATIONS = 10;
  public static final int MAX_TRIALS = 100_000;

  /** The fields of a ranking configuration, as {@link #ranking} reads them. */
  public static final Set<String> RANKING_FIELDS =
      Set.of("mode", "fusion", "vector_weight", "complete", "candidates", "rerank", "feedback");

  /** A configuration under its name in the report. */
  public record Named(String name, RankingConfiguration configuration) {}

  /** Reads and checks a request body; errors point at the offending field. */
  public static EvaluationSpec parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalidAt("", "expected an object with collection, judgments and configurations");
    }
    known(body, "", Set.of("collection", "judgments", "configurations", "baseline", "trials"));
    String collection = text(body, "collection", "");
    String judgments = text(body, "judgments", "");
    JsonNode list = body.get("configurations");
    if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_CONFIGURATIONS) {
      throw ApiException.invalidAt("/configurations", "1.." + MAX_CONFIGURATIONS + " configurations are needed");
    }
    List<Named> configurations = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Named n = configuration(list.get(i), "/configurations/" + i);
      if (!names.add(n.name())) {
        throw ApiException.invalidAt("/configurations/" + i + "/name", "name '" + n.name() + "' is used twice");
      }
      configurations.add(n);
    }
    String baseline = body.hasNonNull("baseline") ? text(body, "baseline", "") : configurations.getFirst().name();
    if (!names.contains(baseline)) {
      throw ApiException.invalidAt("/baseline", "baseline must name one of the configurations, got '" + baseline + "'");
    }
    int trials = PairedComparison.DEFAULT_TRIALS;
    if (body.hasNonNull("trials")) {
      JsonNode t = body.get("trials");
      if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1 || t.asInt() > MAX_TRIALS) {
        throw ApiException.invalidAt("/trials", "trials must be an integer in 1.." + MAX_TRIALS);
      }
      trials = t.asInt();
    }
    return new EvaluationSpec(collection, judgments, configurations, baseline, trials);
  }

  private static Named configuration(JsonNode c, String at) {
    if (c == null || !c.isObject()) {
      throw ApiException.invalidAt(at, "a configuration is an object with a name");
    }
    Set<String> fields = new HashSet<>(RANKING_FIELDS);
    fields.add("name");
    known(c, at, fields);
    String name = text(c, "name", at);
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw ApiException.invalidAt(at + "/name", "a name is 1-64 letters, digits, '.', '_' or '-'");
    }
    return new Named(name, ranking(c, at));
  }

  /**
   * The ranking fields of a configuration object ({@code mode}, {@code fusion}, {@code
   * vector_weight}, {@code complete}, {@code candidates}, {@code rerank}, {@code feedback}; a search's defaults for
   * those left out), as an evaluation's configuration and an experiment's arm take them; errors
   * point at {@code at}. Other fields are the caller's to accept or refuse.
   */
  public static RankingConfiguration ranking(JsonNode c, String at) {
    SearchMode mode = c.hasNonNull("mode") ? choice(c, "mode", at, SearchMode.class) : SearchMode.HYBRID;
    Fusion d = SearchRequest.DEFAULT_FUSION;
    FusionMethod method = c.hasNonNull("fusion") ? choice(c, "fusion", at, FusionMethod.class) : d.method();
    double weight = method == d.method() ? d.vectorWeight() : Fusion.rrf().vectorWeight();
    if (c.hasNonNull("vector_weight")) {
      JsonNode w = c.get("vector_weight");
      if (!w.isNumber() || !(w.asDouble() >= 0 && w.asDouble() <= 1)) {
        throw ApiException.invalidAt(at + "/vector_weight", "vector_weight must be a number in [0, 1]");
      }
      weight = w.asDouble();
    }
    boolean complete = false;
    if (c.hasNonNull("complete")) {
      if (!c.get("complete").isBoolean()) {
        throw ApiException.invalidAt(at + "/complete", "complete must be a boolean");
      }
      complete = c.get("complete").asBoolean();
    }
    Fusion fusion = new Fusion(method, weight, d.rankConstant());
    try {
      fusion = fusion.withComplete(complete);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidAt(at + "/complete", e.getMessage());
    }
    int candidates = SearchRequest.DEFAULT_CANDIDATES;
    if (c.hasNonNull("candidates")) {
      JsonNode n = c.get("candidates");
      if (!n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > SearchRequest.MAX_K) {
        throw ApiException.invalidAt(at + "/candidates", "candidates must be an integer in 1.." + SearchRequest.MAX_K);
      }
      candidates = n.asInt();
    }
    Optional<Rerank> rerank = Optional.empty();
    if (c.hasNonNull("rerank")) {
      rerank = rerank(c.get("rerank"), at + "/rerank");
    }
    Optional<VectorFeedback> feedback = Optional.empty();
    if (c.hasNonNull("feedback")) {
      feedback = feedback(c.get("feedback"), at + "/feedback");
    }
    return new RankingConfiguration(mode, fusion, candidates, rerank, feedback);
  }

  private static Optional<VectorFeedback> feedback(JsonNode f, String at) {
    if (!f.isObject()) {
      throw ApiException.invalidAt(at, "feedback is an object: docs, weight");
    }
    known(f, at, Set.of("docs", "weight"));
    int docs = VectorFeedback.DEFAULT_DOCS;
    if (f.hasNonNull("docs")) {
      if (!f.get("docs").isIntegralNumber() || f.get("docs").asInt() < 0 || f.get("docs").asInt() > VectorFeedback.MAX_DOCS) {
        throw ApiException.invalidAt(at + "/docs", "docs must be an integer in 0.." + VectorFeedback.MAX_DOCS);
      }
      docs = f.get("docs").asInt();
    }
    if (docs == 0) {
      return Optional.empty();
    }
    double weight = VectorFeedback.DEFAULT_WEIGHT;
    if (f.hasNonNull("weight")) {
      if (!f.get("weight").isNumber() || !(f.get("weight").asDouble() > 0 && f.get("weight").asDouble() <= VectorFeedback.MAX_WEIGHT)) {
        throw ApiException.invalidAt(at + "/weight", "weight must be a number in (0, " + (int) VectorFeedback.MAX_WEIGHT + "]");
      }
      weight = f.get("weight").asDouble();
    }
    return Optional.of(new VectorFeedback(docs, weight));
  }

  private static Optional<Rerank> rerank(JsonNode r, String at) {
    if (!r.isObject()) {
      throw ApiException.invalidAt(at, "rerank is an object: reranker, depth, weight");
    }
    known(r, at, Set.of("reranker", "depth", "weight"));
    int depth = 50;
    if (r.hasNonNull("depth")) {
      if (!r.get("depth").isIntegralNumber() || r.get("depth").asInt() < 0 || r.get("depth").asInt() > Rerank.MAX_DEPTH) {
        throw ApiException.invalidAt(at + "/depth", "depth must be an integer in 0.." + Rerank.MAX_DEPTH);
      }
      depth = r.get("depth").asInt();
    }
    if (depth == 0) {
      return Optional.empty();
    }
    String reranker = text(r, "reranker", at);
    double weight = 0.5;
    if (r.hasNonNull("weight")) {
      if (!r.get("weight").isNumber() || !(r.get("weight").asDouble() >= 0 && r.get("weight").asDouble() <= 1)) {
        throw ApiException.invalidAt(at + "/weight", "weight must be a number in [0, 1]");
      }
      weight = r.get("weight").asDouble();
    }
    return Optional.of(new Rerank(reranker, depth, weight));
  }

  private static void known(JsonNode node, String at, Set<String> fields) {
    for (var f : node.properties()) {
      if (!fields.contains(f.getKey())) {
        throw ApiException.invalidAt(at + "/" + f.getKey(), "unknown field; known: " + new java.util.TreeSet<>(fields));
      }
    }
  }

  private static String text(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw ApiException.invalidAt(at + "/" + field, field + " must be a non-blank string");
    }
    return v.asText();
  }

  private static <E extends Enum<E>> E choice(JsonNode node, String field, String at, Class<E> type) {
    JsonNode v = node.get(field);
    List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    if (v.isTextual() && allowed.contains(v.asText().toLowerCase(Locale.ROOT))) {
      return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
    }
    throw ApiException.invalidAt(at + "/" + field, field + " must be one of " + allowed);
  }
}
